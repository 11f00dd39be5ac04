"""The one writer of machine-made statements: import the findings the statement stages made of a document.

The stages run first, outside any transaction (`pipeline.extract_document`, no database); the findings
are then imported in one transaction under the document's row lock, reporting inserted / updated /
unchanged / deleted statements and suggested / unchanged / withdrawn stances and statuses.

Extracting again is idempotent: machine-made statements still pending are matched on their span and
speaker and updated, inserted or deleted; every curator decision (approved, rejected, corrected, or
entered by a person) stays as it is, and a span a curator decided on is not suggested again.
Suggested stances are pending, carry their statement as evidence and a confidence, and a
suggestion a curator rejected is not made again. So are suggested relations between two proposals a
statement names with a relation cue: one live row per (from, to, relation), which later statements
add evidence to.

A speaker nobody entered becomes a pending actor with the role its words suggest (party, title, from the
day said, whether it speaks for the party: `people.new_actor`); crowds ("Diplomats") never become actors.
Until a curator approves the actor, its statements move no stance: its role is only a suggestion. A
pending speaker whose every statement is this document's, and whom no person has touched, is read
afresh with it: its suggested roles follow the new reading, and it is withdrawn when the new reading
gives it no statement.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify

from positions import pipeline, selectors
from positions.models import (
    Actor,
    Document,
    Issue,
    Party,
    Proposal,
    ProposalRelation,
    Role,
    Stance,
    Statement,
    StatusChange,
)
from positions.pipeline import (
    EXTRACTOR_VERSION,
    DateSaid,
    DocumentInput,
    Findings,
    Found,
    Lexicon,
    NewActor,
    RelationSuggestion,
    StanceSuggestion,
    StatementFinding,
)
from positions.services import redate
from positions.services.audit import change_reason, history_bulk_record
from positions.services.webhooks import changes_announce
from positions.vocabularies import DatePrecision, ProposalStatus, ReviewState

EXTRACTOR_VIA = f"extractor {EXTRACTOR_VERSION}"
UPDATED_FIELDS = (
    "quote", "mode", "cue", "said_on", "said_precision", "kind", "confidence", "proposal_id", "proposes_new",
    "extractor_version", "machine",
)  # fmt: skip


@dataclass
class ExtractReport:
    statements: Counter = field(default_factory=Counter)  # inserted, updated, unchanged, deleted, kept
    stances: Counter = field(default_factory=Counter)  # suggested, unchanged, deleted, declined
    statuses: Counter = field(default_factory=Counter)  # suggested, unchanged, deleted, declined
    relations: Counter = field(default_factory=Counter)  # suggested, unchanged, deleted, declined
    new_actors: list[str] = field(default_factory=list)
    withdrawn_actors: list[str] = field(default_factory=list)  # pending speakers the new reading no longer finds
    suggested_stance_ids: list[int] = field(default_factory=list)  # announced to webhooks' subscribers
    suggested_status_ids: list[int] = field(default_factory=list)

    def line(self) -> str:
        s, t = self.statements, self.stances
        return (
            f"statements: {s['inserted']} inserted, {s['updated']} updated, {s['unchanged']} unchanged, "
            f"{s['deleted']} deleted, {s['kept']} kept as curated; stances: {t['suggested']} suggested, "
            f"{t['unchanged']} unchanged, {t['deleted']} withdrawn; statuses: {self.statuses['suggested']} "
            f"suggested; relations: {self.relations['suggested']} suggested; {len(self.new_actors)} new speakers"
            + (f", {len(self.withdrawn_actors)} withdrawn" if self.withdrawn_actors else "")
        )


def document_input(document: Document) -> DocumentInput:
    return DocumentInput(
        text=document.text,
        published=document.published,
        title=document.title,
        publisher=document.publisher,
        author=document.author,
    )


def lexicon_for(document: Document) -> Lexicon:
    negotiation = document.source.negotiation if document.source_id and document.source else None
    return selectors.lexicon_cached(negotiation=negotiation)


def document_statements_extract(*, document: Document, lexicon: Lexicon | None = None) -> ExtractReport:
    """Run the statement stages on a document, then import their findings (see the module's docstring)."""
    findings = pipeline.extract_document(document_input(document), lexicon or lexicon_for(document))
    return document_findings_import(document=document, findings=findings)


@transaction.atomic
def document_findings_import(*, document: Document, findings: Findings) -> ExtractReport:
    """Store a document's findings: the only writer of machine-made statements and their suggestions."""
    report = ExtractReport()
    Document.objects.select_for_update().filter(pk=document.pk).first()  # one import for a document at a time

    existing = list(document.statements.prefetch_related("topics"))
    curated = [s for s in existing if _curated(s)]
    curated_spans = {(s.start, s.end) for s in curated}
    report.statements["kept"] = len(curated)
    machine = {_key(s.start, s.end, s.speaker_id, s.party_id): s for s in existing if not _curated(s)}

    version = findings.extractor_version
    refs = _References(findings, document, report, _revisable(document, machine.values()))
    wanted: dict[tuple, tuple[StatementFinding, Statement]] = {}
    inserted: list[tuple[Statement, list]] = []
    curated_said: dict[tuple[int, int], DateSaid] = {}
    redated: list[int] = []
    for finding in findings.statements:
        item = finding.statement
        if (item.start, item.end) in curated_spans:
            curated_said[(item.start, item.end)] = DateSaid(*_said(item, document))
            continue
        said_on, said_precision = _said(item, document)
        speaker = refs.actor(finding, said_on)
        party = refs.party(item.speaker.party)
        key = _key(item.start, item.end, speaker.pk if speaker else None, party.pk if party else None)
        if key in wanted:
            continue  # two names of one actor on one span: one statement
        proposal_key = finding.proposal
        values = {
            "quote": item.quote,
            "mode": item.mode,
            "cue": item.cue[:60],
            "said_on": said_on,
            "said_precision": said_precision,
            "kind": item.kind,
            "confidence": item.confidence,
            "proposal_id": refs.proposal(proposal_key),
            "proposes_new": finding.proposes_new,
            "extractor_version": version,
        }
        topics = refs.issues(item.topics)
        # What the extractor said, kept beside the row so a curator's correction never loses it.
        values["machine"] = {
            "mode": values["mode"],
            "cue": values["cue"],
            "speaker": speaker.name if speaker else None,
            "party": party.name if party else None,
            "addressee": None,
            "said_on": values["said_on"].isoformat(),
            "said_precision": values["said_precision"],
            "kind": values["kind"],
            "topics": sorted({t.key for t in topics}),
            "proposal": proposal_key if values["proposal_id"] else None,
            "confidence": values["confidence"],
            "extractor_version": version,
        }
        statement = machine.pop(key, None)
        if statement is None:
            statement = Statement(
                document=document, start=item.start, end=item.end, speaker=speaker, party=party, **values
            )
            inserted.append((statement, topics))
            report.statements["inserted"] += 1
        else:
            changed = [name for name in UPDATED_FIELDS if getattr(statement, name) != values[name]]
            if "said_on" in changed:
                redated.append(statement.pk)
            for name in changed:
                setattr(statement, name, values[name])
            if changed:
                statement.save(update_fields=changed)
            if {t.pk for t in statement.topics.all()} != {t.pk for t in topics}:
                statement.topics.set(topics)
                changed.append("topics")
            report.statements["updated" if changed else "unchanged"] += 1
        wanted[key] = (finding, statement)
    _insert(inserted)

    gone = list(machine.values())
    if gone:
        report.stances["deleted"] += _suggestions_withdraw(Stance, [s.pk for s in gone])
        report.statuses["deleted"] += _suggestions_withdraw(StatusChange, [s.pk for s in gone])
        report.relations["deleted"] += _suggestions_withdraw(ProposalRelation, [s.pk for s in gone])
        Statement.objects.filter(pk__in=[s.pk for s in gone]).delete()
        report.statements["deleted"] = len(gone)
    refs.speakers_revise()
    # The document's date may have changed since: curated statements the machine dated, and the
    # suggestions of every re-dated statement, follow it before new suggestions are matched by day.
    reason = change_reason(f"re-dated: extracted again, document date {document.published or 'none'}")
    redate.suggestions_redate(statement_ids=redated, user=None, reason=reason, report=redate.RedateReport())
    kept_dates = {s.pk: curated_said[(s.start, s.end)] for s in curated if (s.start, s.end) in curated_said}
    redate.statements_machine_redate(statements=curated, dates=kept_dates, user=None, reason=reason)
    _stances_suggest([(s, statement) for finding, statement in wanted.values() for s in finding.stances], refs, report)
    for finding, statement in wanted.values():
        if finding.tabled:
            _table(refs.proposal_row(finding.tabled), statement, finding.statement.confidence, report)
        for suggestion in finding.relations:
            _relate(suggestion, statement, refs, report)
    changes_announce(stances=report.suggested_stance_ids, statuses=report.suggested_status_ids)
    return report


def _said(item: Found, document: Document) -> tuple[date, str]:
    """When a statement was said and how exactly that is known."""
    if item.said_on is not None:
        return item.said_on, item.said_precision
    if document.published is not None:
        return document.published, DatePrecision.DAY
    # Neither the text nor the document dates it. said_on cannot be empty (the matrix and the
    # timelines place every statement), so it gets the day it was read, marked as a guess: the
    # words were said on that day or, more likely, before it.
    return timezone.localdate(), DatePrecision.APPROXIMATE


def _insert(rows: list[tuple[Statement, list]]) -> None:
    """New statements in one INSERT, their topic links in another and their history rows (with the topics,
    so that the next record does not show them as a change) in two more: one at a time, with
    simple-history's signals, storing cost four fifths of a worker's time (docs/benchmarks.md)."""
    if not rows:
        return
    statements = Statement.objects.bulk_create([statement for statement, _ in rows])
    through = Statement.topics.through
    through.objects.bulk_create(
        [through(statement_id=statement.pk, issue_id=pk) for statement, topics in rows for pk in {t.pk for t in topics}]
    )
    history_bulk_record(rows=statements, model=Statement, reason=EXTRACTOR_VIA, update=False)


def _curated(statement: Statement) -> bool:
    return statement.review_state != ReviewState.PENDING or statement.corrected or statement.extractor_version == ""


def _key(start: int, end: int, speaker_id: int | None, party_id: int | None) -> tuple:
    return (start, end, speaker_id, party_id)


def _stances_suggest(
    suggested: list[tuple[StanceSuggestion, Statement]], refs: "_References", report: ExtractReport
) -> None:
    """A document's stance suggestions in a fixed number of queries, whatever their number: the row of
    each (party, proposal, day, stance) gains its statements as evidence, a missing one is made pending,
    one a curator rejected or entered is left as they left it. Each row whose evidence grew gets one
    history record (with the evidence), as `evidence.add` one at a time gave one per statement."""
    wanted = []
    for suggestion, statement in suggested:
        party, proposal = refs.party(suggestion.party), refs.proposal_row(suggestion.proposal)
        if party is not None and proposal is not None:
            wanted.append((party, proposal, suggestion, statement))
    if not wanted:
        return
    rows: dict[tuple, Stance] = {}
    candidates = Stance.objects.filter(
        party__in={party.pk for party, *_ in wanted},
        proposal__in={proposal.pk for _, proposal, *_ in wanted},
        effective__in={statement.said_on for *_, statement in wanted},
        stance__in={suggestion.stance for *_, suggestion, _ in wanted},
    )
    for row in candidates.order_by("review_state", "pk"):  # approved, then pending, then rejected
        rows.setdefault((row.party_id, row.proposal_id, row.effective, row.stance), row)
    new, evidence = [], []
    for party, proposal, suggestion, statement in wanted:
        key = (party.pk, proposal.pk, statement.said_on, suggestion.stance)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Stance(
                party=party,
                proposal=proposal,
                effective=statement.said_on,
                stance=suggestion.stance,
                confidence=suggestion.confidence,
                recorded_via=EXTRACTOR_VIA,
                machine={
                    "party": party.name,
                    "stance": suggestion.stance,
                    "effective": statement.said_on.isoformat(),
                    "confidence": suggestion.confidence,
                },
                note=f"Suggested by the extractor from what {statement.speaker or party} said.",
            )
            new.append(row)
            report.stances["suggested"] += 1
        elif row.review_state == ReviewState.REJECTED or not row.recorded_via.startswith("extractor"):
            report.stances["declined"] += 1  # a curator decided on this one: leave it as they left it
            continue
        else:
            report.stances["unchanged"] += 1
        evidence.append((row, statement))
    # The links go in before the new rows they name (their ids taken from the sequence first; the foreign keys
    # are checked at commit): each insert's trigger recomputes its proposals' runs (migrations 0022, 0025), and
    # links to rows not there yet name no proposal, so a proposal with only new rows is recomputed once, by
    # the rows' insert, with their evidence in place, instead of once for the rows and again for their links.
    _ids_taken(new)
    through = Stance.evidence.through
    links = {(row.pk, statement.pk) for row, statement in evidence}
    stored = through.objects.filter(stance_id__in={a for a, _ in links}, statement_id__in={b for _, b in links})
    links -= set(stored.values_list("stance_id", "statement_id"))
    through.objects.bulk_create(through(stance_id=a, statement_id=b) for a, b in sorted(links))
    Stance.objects.bulk_create(new)
    report.suggested_stance_ids.extend(row.pk for row in new)
    grown_ids = {stance_id for stance_id, _ in links}
    grown = {row.pk: row for row, _ in evidence if row.pk in grown_ids}
    history_bulk_record(rows=new, model=Stance, reason=EXTRACTOR_VIA, update=False)
    older = [row for row in grown.values() if row not in new]
    history_bulk_record(rows=older, model=Stance, reason=EXTRACTOR_VIA, update=True)


def _ids_taken(rows: list[Stance]) -> None:
    """Ids for new stance rows from their table's sequence, as their insert would take them: one query."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('positions_stance', 'id')) FROM generate_series(1, %s)", [len(rows)]
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk


def _table(proposal: Proposal | None, statement: Statement, confidence: float, report: ExtractReport) -> None:
    """Suggest that a proposal was tabled the day its proponent put it forward, unless it already was."""
    if proposal is None:
        return
    statuses = StatusChange.objects.filter(proposal=proposal).exclude(review_state=ReviewState.REJECTED)
    if statuses.filter(effective__lt=statement.said_on).exists():
        return  # on the table (or further) before this statement: nothing new to suggest
    row = (
        StatusChange.objects.filter(proposal=proposal, effective=statement.said_on, status=ProposalStatus.TABLED)
        .order_by("review_state")
        .first()
    )
    if row is None:
        row = StatusChange.objects.create(
            proposal=proposal,
            effective=statement.said_on,
            status=ProposalStatus.TABLED,
            confidence=round(min(0.9, confidence), 2),
            recorded_via=EXTRACTOR_VIA,
            machine={
                "status": ProposalStatus.TABLED.value,
                "effective": statement.said_on.isoformat(),
                "confidence": round(min(0.9, confidence), 2),
            },
            note=f"Suggested by the extractor: its proponent put it forward ({statement.speaker or statement.party}).",
        )
        report.statuses["suggested"] += 1
        report.suggested_status_ids.append(row.pk)
    elif row.review_state == ReviewState.REJECTED or not row.recorded_via.startswith("extractor"):
        report.statuses["declined"] += 1
        return
    else:
        report.statuses["unchanged"] += 1
    row.evidence.add(statement)


def _relate(suggestion: RelationSuggestion, statement: Statement, refs: "_References", report: ExtractReport) -> None:
    """Suggest that one proposal bears on another from the day the statement said so, with it as evidence.

    The live row of (from, to, relation) gains the statement as evidence and, while it is still the
    extractor's pending suggestion, the earlier date; a relation a curator rejected or entered is left alone.
    """
    source, target = refs.proposal_row(suggestion.from_proposal), refs.proposal_row(suggestion.to_proposal)
    if source is None or target is None or source.pk == target.pk:
        return
    rows = ProposalRelation.objects.filter(from_proposal=source, to_proposal=target, relation=suggestion.relation)
    rows = list(rows.select_for_update())
    live = next((r for r in rows if r.review_state != ReviewState.REJECTED), None)
    if live is None and rows:
        report.relations["declined"] += 1  # a curator rejected it: not suggested again
        return
    if live is None:
        live = ProposalRelation.objects.create(
            from_proposal=source,
            to_proposal=target,
            relation=suggestion.relation,
            effective=statement.said_on,
            effective_precision=statement.said_precision,
            confidence=suggestion.confidence,
            recorded_via=EXTRACTOR_VIA,
            machine={
                "from": source.slug,
                "to": target.slug,
                "relation": suggestion.relation,
                "effective": statement.said_on.isoformat(),
                "confidence": suggestion.confidence,
            },
            note=f"Suggested by the extractor: “{suggestion.cue}” in what {statement.speaker or statement.party} said.",
        )
        report.relations["suggested"] += 1
    elif not live.recorded_via.startswith("extractor"):
        report.relations["declined"] += 1  # entered by a person: theirs to change
        return
    else:
        report.relations["unchanged"] += 1
        if live.review_state == ReviewState.PENDING and statement.said_on < live.effective:
            live.effective, live.effective_precision = statement.said_on, statement.said_precision
            live.machine = {**(live.machine or {}), "effective": statement.said_on.isoformat()}
            live._change_reason = change_reason(f"{EXTRACTOR_VIA}: said earlier")
            live.save(update_fields=["effective", "effective_precision", "machine"])
    if not live.evidence.filter(pk=statement.pk).exists():  # an add of nothing would still write a history record
        live.evidence.add(statement)


def _revisable(document: Document, statements) -> set[int]:
    """The pending speakers of these machine-made statements whose every statement is one of them and whom
    no person has touched: neither the actor nor any of its roles has a history row by a user, or a change
    the extractor did not make. The new reading of the document is all there is to say of them."""
    speaker_ids = {s.speaker_id for s in statements if s.speaker_id}
    if not speaker_ids:
        return set()
    mine = {s.pk for s in statements}
    elsewhere = Statement.objects.filter(speaker=OuterRef("pk")).exclude(pk__in=mine)
    pending = Actor.objects.filter(pk__in=speaker_ids, review_state=ReviewState.PENDING).exclude(Exists(elsewhere))
    ids = set(pending.values_list("pk", flat=True))
    if not ids:
        return ids

    def touched(history, key: str) -> set[int]:
        by_person = Q(history_user__isnull=False) | (
            Q(history_type="~") & ~Q(history_change_reason__startswith="extractor")
        )
        return set(history.filter(by_person, **{f"{key}__in": ids}).values_list(key, flat=True))

    return ids - touched(Actor.history, "id") - touched(Role.history, "actor_id")


def _suggestions_withdraw(
    model: type[Stance] | type[StatusChange] | type[ProposalRelation], statement_ids: list[int]
) -> int:
    """Pending machine suggestions left with no evidence once these statements go."""
    withdrawn = 0
    for row in model.objects.filter(
        evidence__in=statement_ids, review_state=ReviewState.PENDING, recorded_via__startswith="extractor"
    ).distinct():
        if not row.evidence.exclude(pk__in=statement_ids).exists():
            row.delete()
            withdrawn += 1
    return withdrawn


class _References:
    """Names in the found statements to rows: parties, issues, proposals, actors (new ones made pending)."""

    def __init__(self, findings: Findings, document: Document, report: ExtractReport, revisable: set[int]):
        self.report = report
        self.revisable = revisable  # pending speakers read afresh with this document (`_revisable`)
        self.suggested: set[int] = set()  # the roles this reading suggests
        self.parties = {p.name: p for p in Party.objects.all()}
        # the issues of the negotiation the topics were read against, and no other's
        issues = Issue.objects.filter(negotiation__slug=findings.negotiation)
        self.issues_by_key: dict[str, list[Issue]] = {}
        for issue in issues:
            self.issues_by_key.setdefault(issue.key, []).append(issue)
        slugs = {f.proposal for f in findings.statements} | {f.tabled for f in findings.statements}
        slugs |= {s.proposal for f in findings.statements for s in f.stances}
        slugs |= {k for f in findings.statements for r in f.relations for k in (r.from_proposal, r.to_proposal)}
        self.proposals = {p.slug: p for p in Proposal.objects.filter(slug__in=slugs - {""})}
        keys = {f.statement.speaker.key for f in findings.statements if f.statement.speaker.key}
        self.actors = {a.slug: a for a in Actor.objects.filter(slug__in=keys)}
        self.held: dict[tuple[int, int], Role | None] = {}  # a pending actor's first post in a party

    def party(self, name: str) -> Party | None:
        return self.parties.get(name) if name else None

    def issues(self, keys: tuple[str, ...]) -> list[Issue]:
        return [issue for key in keys for issue in self.issues_by_key.get(key, [])]

    def proposal(self, key: str) -> int | None:
        row = self.proposals.get(key)
        return row.pk if row else None

    def proposal_row(self, key: str) -> Proposal | None:
        return self.proposals.get(key)

    def actor(self, finding: StatementFinding, said_on) -> Actor | None:
        found = finding.statement
        if found.speaker.key:
            return self.actors.get(found.speaker.key)
        new = finding.new_actor
        if new is None:
            return None  # a party alone, a speaker only described ("the GOP nominee"), a crowd: no actor
        slug = slugify(new.name)[:200]
        if not slug:
            return None
        actor = self.actors.get(slug)
        if actor is None:
            actor, created = Actor.objects.get_or_create(
                slug=slug, defaults={"name": new.name[:200], "kind": new.kind, "review_state": ReviewState.PENDING}
            )
            if created:
                self.report.new_actors.append(new.name)
            self.actors[slug] = actor
        if actor.review_state == ReviewState.PENDING:
            self._role_suggest(actor, replace(new, since=said_on))
        return actor

    def _role_suggest(self, actor: Actor, new: NewActor) -> None:
        """The post the text suggests for a pending actor in a party, from the first day it was said to be
        held: one post per party, so that a curator's correction of it is not suggested over again. A role
        has no review state of its own: its actor's covers it (see Role)."""
        party = self.party(new.party)
        if party is None or not new.title:
            return  # no role without a party we know and a title
        if (actor.pk, party.pk) not in self.held:  # read once a document, not once a statement
            self.held[actor.pk, party.pk] = actor.roles.filter(party=party).order_by("start").first()
        held = self.held[actor.pk, party.pk]
        title = new.title[:200]
        if held is None:
            role = Role(actor=actor, party=party, title=title, start=new.since, speaks_for_party=new.speaks_for)
            role._change_reason = change_reason(f"{EXTRACTOR_VIA}, from “{new.evidence}”")
            role.save()
            self.held[actor.pk, party.pk] = role
            self.suggested.add(role.pk)
        elif actor.pk in self.revisable and held.pk not in self.suggested:
            # the first suggestion of this reading for a speaker read afresh: the role becomes what it says
            if (held.title, held.start, held.end, held.speaks_for_party) != (title, new.since, None, new.speaks_for):
                held.title, held.start, held.end, held.speaks_for_party = title, new.since, None, new.speaks_for
                held._change_reason = change_reason(f"{EXTRACTOR_VIA}, read again as “{new.evidence}”")
                held.save(update_fields=["title", "start", "end", "speaks_for_party"])
            self.suggested.add(held.pk)
        elif held.title == title and new.since < held.start and held.end is None:
            held.start = new.since
            held._change_reason = change_reason(f"{EXTRACTOR_VIA}, said earlier as “{new.evidence}”")
            held.save(update_fields=["start"])

    def speakers_revise(self) -> None:
        """After the new reading: the roles it did not suggest for the speakers read afresh go, and so do
        those speakers left with no statement (their rows locked first: another document's import that
        names one of them meanwhile keeps it)."""
        if not self.revisable:
            return
        Role.objects.filter(actor__in=self.revisable).exclude(pk__in=self.suggested).delete()
        for actor in Actor.objects.select_for_update().filter(pk__in=self.revisable).order_by("pk"):
            if not Statement.objects.filter(speaker=actor).exists():
                self.report.withdrawn_actors.append(actor.name)
                actor.delete()


def documents_extract(*, documents, progress=None) -> ExtractReport:
    """Extract again from many documents, one transaction each; the lexicon is loaded once per negotiation."""
    total = ExtractReport()
    lexicons: dict[int | None, Lexicon] = {}
    for document in documents:
        negotiation_id = document.source.negotiation_id if document.source_id and document.source else None
        if negotiation_id not in lexicons:
            lexicons[negotiation_id] = lexicon_for(document)
        one = document_statements_extract(document=document, lexicon=lexicons[negotiation_id])
        total.statements.update(one.statements)
        total.stances.update(one.stances)
        total.statuses.update(one.statuses)
        total.relations.update(one.relations)
        total.new_actors.extend(one.new_actors)
        if progress is not None:
            progress(document, one)
    return total


def stale_documents():
    """Documents holding a machine-made statement of another extractor version."""
    other = Statement.objects.filter(document=OuterRef("pk"), extractor_version__gt="").exclude(
        extractor_version=EXTRACTOR_VERSION
    )
    return Document.objects.filter(Exists(other))
