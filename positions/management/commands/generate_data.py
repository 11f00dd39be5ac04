"""`manage.py generate_data --statements N --documents M`: fill the database with realistic, skewed data, fast.

For benchmarks and load tests only: rows are written with COPY (no model code, no signals), so the
historical tables of django-simple-history stay empty, which is right for data nobody edited. The
database's own triggers still run: the runs of migration 0022 are filled as the stances come in.

The shape follows DESIGN.md: negotiations with issues and parties, actors holding roles in parties,
proposals with status and stance histories whose evidence is statements, documents with statements.
Coverage is skewed as real coverage is: a few negotiations, documents, parties and speakers get most
of the statements (Zipf-like weights), and recent years more than early ones. Sentences come from the
raw corpus (`--corpus`, default ../shared/corpus/raw, else the project's copy in tests/data/corpus/raw)
so full-text search sees real English; without it a small synthetic vocabulary is used. Runs in a few
minutes for 1,000,000 statements on two cores.
"""

import hashlib
import random
import re
import time
from bisect import bisect
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from positions.vocabularies import (
    ActorKind,
    PartyKind,
    ProposalKind,
    ProposalStatus,
    ReviewState,
    StanceValue,
    StatementKind,
    StatementMode,
)

SENTENCE = re.compile(r"(?<=[.!?])\s+")
# fmt: off
ISSUES = [
    "architecture", "deployment", "legal-guarantees", "joint-centres", "joint-exercises", "transparency",
    "strategic-stability", "new-start", "arms-control", "countermeasures", "missile-threat", "cooperation",
    "sanctions", "verification", "trade", "energy",
]
# fmt: on
VALUES = {
    c.__name__: [m.value for m in c]
    for c in (ProposalKind, ProposalStatus, ReviewState, StanceValue, StatementKind, StatementMode)
}
CUES = ["said", "told", "stated", "warned", "added", "insisted", "noted", "stressed", "argued", ""]
BIG_TABLES = ("positions_statement", "positions_statement_topics", "positions_document")


def default_corpus() -> Path:
    shared = Path(settings.BASE_DIR).parent / "shared" / "corpus" / "raw"
    return shared if shared.is_dir() else Path(settings.BASE_DIR) / "tests" / "data" / "corpus" / "raw"


def zipf_weights(n: int, *, exponent: float, offset: float, rng: random.Random) -> list[float]:
    """Cumulative weights of n items, heavy at the head, in a shuffled order."""
    weights = [1.0 / (i + offset) ** exponent for i in range(n)]
    rng.shuffle(weights)
    return list(accumulate(weights))


def pick(cumulative: list[float], rng: random.Random) -> int:
    return bisect(cumulative, rng.random() * cumulative[-1])


class Command(BaseCommand):
    help = "Fill the database with realistic, skewed generated data (COPY; history tables left empty)."

    def add_arguments(self, parser):
        parser.add_argument("--statements", type=int, default=10_000)
        parser.add_argument("--documents", type=int, help="Default: one for every 10 statements.")
        parser.add_argument("--seed", type=int, default=8, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--corpus", type=Path, help="A folder of .txt files to take sentences from.")

    def handle(self, *args, statements: int, documents: int | None, seed: int, corpus: Path | None, **options):
        from positions.models import Document, Negotiation, Party, Statement

        if statements < 1:
            raise CommandError("--statements must be at least 1")
        if any(model.objects.exists() for model in (Negotiation, Party, Document, Statement)):
            # Ids are assigned here, from 1: rows already there would collide.
            raise CommandError("generate_data fills an empty database (migrated, not seeded): this one has data")
        documents = documents or max(1, statements // 10)
        started = time.perf_counter()
        generator = Generator(statements=statements, documents=documents, seed=seed, sentences=sentences(corpus))
        with transaction.atomic():
            counts = generator.write(self.stdout)
        with connection.cursor() as cursor:
            # Statistics and the visibility map, as autovacuum would give a real table (index-only scans need it).
            cursor.execute("VACUUM ANALYZE")
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(f"generated {summary} in {time.perf_counter() - started:.1f} s")


def sentences(corpus: Path | None) -> list[str]:
    folder = corpus or default_corpus()
    found = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.txt")):
            text = " ".join(path.read_text(encoding="utf-8").split())
            found += [s for s in SENTENCE.split(text) if 40 <= len(s) <= 400]
    elif corpus is not None:
        raise CommandError(f"no such folder: {corpus}")
    if len(found) < 100:  # no corpus: a synthetic vocabulary still gives words to search
        rng = random.Random(0)
        words = [
            f"{w}"
            for w in ["missile", "defence", "treaty", "guarantee", "radar", "system", "russia", "nato", "cooperation"]
        ]
        words += [f"w{n}" for n in range(2000)]
        found = [" ".join(rng.choice(words) for _ in range(rng.randint(8, 30))).capitalize() + "." for _ in range(3000)]
    return found


class Generator:
    """Builds every table's rows in memory-light passes and COPYs them in, ids assigned here."""

    def __init__(self, *, statements: int, documents: int, seed: int, sentences: list[str]):
        self.rng = random.Random(seed)
        self.n_statements, self.n_documents = statements, documents
        self.sentences = sentences
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def copy(self, table: str, columns: list[str], rows) -> int:
        n = 0
        names = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        self.counts[table.removeprefix("positions_")] = n
        return n

    def write(self, out) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            saved = self._drop_plain_indexes(cursor)
        self._base()
        out.write("negotiations, parties, actors, proposals and histories written; documents and statements next")
        self._documents_and_statements()
        self._evidence()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, before any index
            for definition in saved:  # one pass per index over the loaded table: faster than row by row
                cursor.execute(definition)
            for table in self.counts:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('positions_{table}', 'id'), "
                    f"GREATEST((SELECT MAX(id) FROM positions_{table}), 1))"
                )
        return self.counts

    def _drop_plain_indexes(self, cursor) -> list[str]:
        """Indexes of the big tables that back no constraint: dropped now, built again after the load."""
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
               WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [list(BIG_TABLES)],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _, definition in found]

    # --- negotiations, parties, actors, roles, issues, proposals, status and stance histories ---------

    def _base(self) -> None:
        rng, n = self.rng, self.n_statements
        n_negotiations = max(2, min(200, n // 25_000))
        n_parties = max(8, min(120, n // 8_000))  # at least the eight of negotiation 1
        n_actors = max(20, min(5_000, n // 400))
        kinds = [PartyKind.STATE.value] * 8 + [PartyKind.ALLIANCE.value, PartyKind.ORGANISATION.value]
        self.parties = list(range(1, n_parties + 1))
        self.copy(
            "positions_party",
            ["id", "name", "slug", "kind", "aliases", "metonyms"],
            ((p, f"Party {p}", f"party-{p}", rng.choice(kinds), [f"P{p}"], [f"Capital {p}"]) for p in self.parties),
        )
        self.party_weights = zipf_weights(n_parties, exponent=1.1, offset=1, rng=rng)

        # Negotiation 1 has the same shape at every scale (eight parties, four years, 30 proposals) and the
        # largest share of the coverage: comparing it at two scales measures growth, not a different matrix.
        self.negotiations = []
        for k in range(1, n_negotiations + 1):
            start = date(1995, 1, 1) + timedelta(days=rng.randint(0, 9000))
            end = start + timedelta(days=rng.randint(700, 3500))
            parties = sorted({self.parties[pick(self.party_weights, rng)] for _ in range(rng.randint(3, 10))})
            if k == 1:
                start, end, parties = date(2009, 1, 1), date(2012, 12, 31), self.parties[:8]
            self.negotiations.append({"id": k, "start": start, "end": end, "parties": parties})
        self.copy(
            "positions_negotiation",
            ["id", "slug", "title", "description", "started", "ended"],
            (
                (g["id"], f"negotiation-{g['id']}", f"Negotiation {g['id']}", "", g["start"], g["end"])
                for g in self.negotiations
            ),
        )
        self.copy(
            "positions_negotiation_parties",
            ["id", "negotiation_id", "party_id"],
            ((i, g, p) for i, (g, p) in enumerate(((g["id"], p) for g in self.negotiations for p in g["parties"]), 1)),
        )
        weights = [1.0 / (i + 1) for i in range(n_negotiations)]
        weights[1:] = rng.sample(weights[1:], len(weights) - 1)
        self.negotiation_weights = list(accumulate(weights))

        issue_rows = []
        for g in self.negotiations:
            g["issues"] = []
            for key in rng.sample(ISSUES, rng.randint(6, 12)):
                issue_rows.append((len(issue_rows) + 1, g["id"], key, key.replace("-", " ").title(), "", []))
                g["issues"].append(len(issue_rows))
        self.copy("positions_issue", ["id", "negotiation_id", "key", "title", "description", "keywords"], issue_rows)

        actor_kinds = [ActorKind.PERSON.value] * 9 + [ActorKind.BODY.value]
        self.copy(
            "positions_actor",
            ["id", "name", "slug", "kind", "aliases", "review_state"],
            (
                (a, f"Speaker {a}", f"speaker-{a}", rng.choice(actor_kinds), [], ReviewState.APPROVED.value)
                for a in range(1, n_actors + 1)
            ),
        )
        self.actor_weights = zipf_weights(n_actors, exponent=0.9, offset=3, rng=rng)
        roles, self.actor_party = [], {}
        for a in range(1, n_actors + 1):
            party = self.parties[pick(self.party_weights, rng)]
            self.actor_party[a] = party
            start = date(1990, 1, 1) + timedelta(days=rng.randint(0, 6000))
            for r in range(rng.randint(1, 3)):  # successive posts, never overlapping
                end = start + timedelta(days=rng.randint(300, 2500))
                title = ["Minister", "Spokesperson", "Ambassador", "Senator"][r % 4]
                last = r == 2
                roles.append((len(roles) + 1, a, party, title, start, None if last else end, title != "Senator"))
                start = end + timedelta(days=1)
        self.copy("positions_role", ["id", "actor_id", "party_id", "title", "start", "end", "speaks_for_party"], roles)

        proposals = []
        for g in self.negotiations:
            g["proposals"] = []
            for k in range(30 if g["id"] == 1 else rng.randint(15, 45)):
                first = g["start"] + timedelta(days=rng.randint(0, (g["end"] - g["start"]).days // 2))
                kind = rng.choice(VALUES["ProposalKind"])
                proposals.append(
                    (
                        len(proposals) + 1,
                        g["id"],
                        rng.choice(g["issues"]),
                        f"proposal-{k}",
                        f"Proposal {g['id']}.{k}",
                        "",
                        rng.choice(g["parties"]),
                        kind,
                        first,
                    )
                )
                g["proposals"].append((len(proposals), first))
        columns = ["id", "negotiation_id", "issue_id", "slug", "title", "description", "proponent_id", "kind"]
        self.copy("positions_proposal", [*columns, "first_stated"], proposals)
        self._histories()

    def _histories(self) -> None:
        """Status and stance histories; their number grows with the statements (one stance row in ~40)."""
        rng = self.rng
        statuses, stances = [], []
        stance_budget = max(50, self.n_statements // 40)
        for g in self.negotiations:
            share = max(1, int(stance_budget * self._negotiation_share(g["id"])))
            pairs = [(p, party) for p in g["proposals"] for party in g["parties"]]
            for (proposal, first), party in rng.sample(pairs, len(pairs)):
                rows = min(60, 1 + int(share / len(pairs) * rng.expovariate(1.0)))
                days = sorted(rng.sample(range((g["end"] - first).days + 1), min(rows, (g["end"] - first).days + 1)))
                for day in days:
                    state = rng.choices(VALUES["ReviewState"], weights=[25, 70, 5])[0]
                    stances.append(
                        (
                            len(stances) + 1,
                            party,
                            proposal,
                            rng.choice(VALUES["StanceValue"]),
                            first + timedelta(days=day),
                            "",
                            self.now,
                            "generate_data",
                            state,
                        )
                    )
            for proposal, first in g["proposals"]:
                days = sorted(rng.sample(range((g["end"] - first).days + 1), rng.randint(1, 5)))
                for day in days:
                    statuses.append(
                        (
                            len(statuses) + 1,
                            proposal,
                            rng.choice(VALUES["ProposalStatus"]),
                            first + timedelta(days=day),
                            "",
                            self.now,
                            "generate_data",
                            ReviewState.APPROVED.value,
                        )
                    )
        recorded = ["effective", "note", "recorded_at", "recorded_via", "review_state"]
        self.copy("positions_statuschange", ["id", "proposal_id", "status", *recorded], statuses)
        self.copy("positions_stance", ["id", "party_id", "proposal_id", "stance", *recorded], stances)
        self.stances = [(row[0], row[2]) for row in stances]
        self.statuses = [(row[0], row[1]) for row in statuses]

    def _negotiation_share(self, negotiation_id: int) -> float:
        weights = self.negotiation_weights
        i = negotiation_id - 1
        return (weights[i] - (weights[i - 1] if i else 0.0)) / weights[-1]

    # --- documents and their statements -----------------------------------------------------------

    def _documents_and_statements(self) -> None:
        rng = self.rng
        per_document = [0] * self.n_documents
        document_weights = zipf_weights(self.n_documents, exponent=0.6, offset=50, rng=rng)
        for _ in range(self.n_statements):
            per_document[pick(document_weights, rng)] += 1
        self.statement_proposals: dict[int, list[int]] = {}  # proposal id → statement ids, for evidence
        self.statement_ids_by_negotiation: dict[int, list[int]] = {}
        statements, topics, documents = [], [], []
        next_statement = 1
        for d in range(1, self.n_documents + 1):
            g = self.negotiations[pick(self.negotiation_weights, rng)]
            span = (g["end"] - g["start"]).days
            published = g["start"] + timedelta(days=int(span * rng.random() ** 0.6))  # recent years weigh more
            chosen = [rng.choice(self.sentences) for _ in range(per_document[d - 1] + rng.randint(5, 25))]
            text = " ".join(chosen)
            documents.append(
                (
                    d,
                    f"https://news{d % 97}.example.org/{published:%Y/%m}/{d}",
                    f"Report {d}: {chosen[0][:80]}",
                    f"Publisher {d % 97}",
                    published,
                    "en",
                    text,
                    False,
                    hashlib.sha256(text.encode()).hexdigest(),
                    self.now,
                    "",
                    False,
                    "",
                )
            )
            offsets = list(accumulate((len(s) + 1 for s in chosen), initial=0))
            for i in sorted(rng.sample(range(len(chosen)), per_document[d - 1])):
                statements.append(self._statement(next_statement, d, g, published, offsets[i], chosen[i]))
                topics.append(rng.choice(g["issues"]))
                self.statement_ids_by_negotiation.setdefault(g["id"], []).append(next_statement)
                next_statement += 1
            if len(statements) >= 20_000 or len(documents) >= 5_000:
                self._flush(documents, statements, topics)
        self._flush(documents, statements, topics)
        self.counts |= {"document": self.n_documents, "statement": self.n_statements, "statement_topics": self._topics}

    _documents = _topics = 0
    _statement_columns = [
        "id", "document_id", "quote", "start", "end", "mode", "cue", "speaker_id", "party_id", "addressee_id",
        "said_on", "said_precision", "kind", "proposal_id", "confidence", "extractor_version", "review_state",
        "created_at", "corrected", "proposes_new",
    ]  # fmt: skip

    def _statement(self, n: int, document: int, g: dict, published: date, start: int, quote: str) -> tuple:
        rng = self.rng
        speaker = 1 + pick(self.actor_weights, rng) if rng.random() < 0.8 else None
        party = self.actor_party[speaker] if speaker else rng.choice(g["parties"])
        addressee = rng.choice(g["parties"]) if rng.random() < 0.4 else None
        proposal = None
        if rng.random() < 0.2:
            proposal = rng.choice(g["proposals"])[0]
            self.statement_proposals.setdefault(proposal, []).append(n)
        state = rng.choices(VALUES["ReviewState"], weights=[25, 70, 5])[0]
        return (
            n, document, quote, start, start + len(quote), rng.choice(VALUES['StatementMode']), rng.choice(CUES),
            speaker, party, addressee, published - timedelta(days=rng.randint(0, 2)), "day",
            rng.choice(VALUES['StatementKind']), proposal, round(rng.uniform(0.3, 1.0), 3), "generate-1", state,
            self.now, False, False,
        )  # fmt: skip

    _document_columns = [
        "id", "url", "title", "publisher", "published", "language", "text", "excerpt", "content_hash", "created_at",
        "author", "date_implausible", "published_raw",
    ]  # fmt: skip

    def _flush(self, documents: list, statements: list, topics: list) -> None:
        """One COPY each for a batch of documents, their statements and the statements' topics."""
        with connection.cursor() as cursor:
            for table, columns, rows in (
                ("positions_document", self._document_columns, documents),
                ("positions_statement", self._statement_columns, statements),
            ):
                names = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            with cursor.copy("COPY positions_statement_topics (id, statement_id, issue_id) FROM STDIN") as copy:
                for row, issue in zip(statements, topics, strict=True):
                    self._topics += 1
                    copy.write_row((self._topics, row[0], issue))
        for batch in (documents, statements, topics):
            batch.clear()

    def _evidence(self) -> None:
        """Each stance and status change grounded in one to three statements of its proposal (or negotiation)."""
        rng = self.rng
        proposal_negotiation = {p: g["id"] for g in self.negotiations for p, _ in g["proposals"]}

        def links(rows):
            n = 0
            for row_id, proposal in rows:
                pool = self.statement_proposals.get(proposal) or self.statement_ids_by_negotiation.get(
                    proposal_negotiation[proposal], []
                )
                for statement in {rng.choice(pool) for _ in range(rng.randint(1, 3))} if pool else ():
                    n += 1
                    yield (n, row_id, statement)

        self.copy("positions_stance_evidence", ["id", "stance_id", "statement_id"], links(self.stances))
        self.copy("positions_statuschange_evidence", ["id", "statuschange_id", "statement_id"], links(self.statuses))
