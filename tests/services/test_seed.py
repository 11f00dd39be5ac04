"""The seed negotiation: loads idempotently, every fact grounded, and the seed article's positions."""

import copy
import json
import re
import subprocess
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from positions import selectors
from positions.models import (
    Actor,
    Deadline,
    Document,
    Issue,
    Negotiation,
    Party,
    Proposal,
    ProposalRelation,
    Role,
    Scale,
    ScalePosition,
    ScaleStep,
    Source,
    Stance,
    Statement,
    StatusChange,
)
from positions.services import negotiation_seed
from positions.services.seed import SeedError
from tests.conftest import BASE_DIR, CORPUS, DATA, SEED_GOLD, SEED_GOLD_ELSEWHERE, shared

pytestmark = pytest.mark.django_db

EXAMPLE_FILE = BASE_DIR / "fixtures" / "examples" / "iran-nuclear-programme.json"
MODELS = [
    Party, Negotiation, Issue, Actor, Role, Source, Document, Statement, Proposal, StatusChange, Stance,
    ProposalRelation,
]  # fmt: skip
MODELS += [Deadline, Scale, ScaleStep, ScalePosition]
ISSUE_KEYS = {
    "architecture",
    "deployment",
    "legal-guarantees",
    "joint-centres",
    "joint-exercises",
    "transparency",
    "strategic-stability",
    "new-start",
    "arms-control",
    "countermeasures",
    "missile-threat",
    "cooperation",
}


def row_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["evidence links"] = (
        sum(
            m.evidence.through.objects.count()
            for m in (StatusChange, Stance, ProposalRelation, Deadline, ScalePosition)
        )
        + ScaleStep.proposals.through.objects.count()
        + Statement.topics.through.objects.count()
    )
    return counts


def test_it_leaves_the_same_rows_when_loaded_twice(seed_data):
    first = negotiation_seed(data=seed_data)
    after_first = row_counts()
    second = negotiation_seed(data=seed_data)

    assert row_counts() == after_first
    assert all(c["inserted"] == 0 and c["updated"] == 0 for c in second.outcomes.values()), second.lines()
    assert sum(c["inserted"] for c in first.outcomes.values()) == sum(after_first[m.__name__] for m in MODELS)


def test_the_seed_relates_proposals_with_quoted_evidence(seeded):
    seed_data = seeded  # loaded by the seed service (conftest.seeded)
    quotes = {s["key"]: s["quote"] for s in seed_data["statements"]}
    rows = list(ProposalRelation.objects.select_related("from_proposal", "to_proposal").prefetch_related("evidence"))

    assert len(rows) == len(seed_data["relations"]) >= 6
    assert {r.relation for r in rows} >= {"counter_to", "supersedes", "conditional_on", "backs", "alternative_to"}
    for row in rows:
        assert row.review_state == "approved" and row.recorded_via == "seed"
        assert row.evidence.exists()
        for statement in row.evidence.all():
            assert statement.quote in quotes.values()
            assert statement.document.text[statement.start : statement.end] == statement.quote
    found = {(r.from_proposal.slug, r.relation, r.to_proposal.slug, r.effective.isoformat()) for r in rows}
    assert ("joint-sectoral-system", "counter_to", "nato-territorial-missile-defence", "2010-11-20") in found
    assert ("two-separate-systems", "counter_to", "joint-sectoral-system", "2011-01-19") in found


def test_it_keeps_the_negotiations_own_order_of_its_parties(seeded):
    seed_data = seeded  # loaded by the seed service (conftest.seeded)
    negotiation = Negotiation.objects.get(slug=seed_data["negotiation"]["slug"])
    listed = seed_data["negotiation"]["parties"]
    assert [p.name for p in selectors.negotiation_parties(negotiation=negotiation, own_order=True)] == listed
    assert listed != sorted(listed)  # not the names' order by chance

    moved = copy.deepcopy(seed_data)
    moved["negotiation"]["parties"] = listed[1:] + listed[:1]
    report = negotiation_seed(data=moved)
    assert report.outcomes["Negotiation"]["updated"] == 1
    shown = [p.name for p in selectors.negotiation_parties(negotiation=negotiation, own_order=True)]
    assert shown == [*listed[1:], listed[0]]


def test_the_command_reports_what_it_did_and_nothing_the_second_time(db):
    out = StringIO()
    call_command("seed", stdout=out)
    inserted = re.search(r"Stance: (\d+) inserted", out.getvalue())
    assert inserted and int(inserted.group(1)) == Stance.objects.count() > 0

    out = StringIO()
    call_command("seed", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "inserted" in line]
    assert lines and all("0 inserted, 0 updated" in line for line in lines), lines


def test_a_broken_seed_file_writes_nothing(seed_data):
    broken = copy.deepcopy(seed_data)
    broken["proposals"][-1]["stances"][0]["evidence"] = ["no-such-statement"]
    with pytest.raises(SeedError, match="no-such-statement"):
        negotiation_seed(data=broken)
    assert all(count == 0 for count in row_counts().values())


def test_the_command_names_the_file_and_the_fault(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match=r"bad\.json"):
        call_command("seed", str(bad))


def every_table_count() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_file_with_five_kinds_of_mistakes_prints_five_errors_and_writes_nothing(seeded):
    before = every_table_count()
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("seed", str(DATA / "seed" / "bad.json"), stderr=err)

    lines = [line.split("bad.json: ", 1)[1] for line in err.getvalue().splitlines()]
    assert lines == [
        "parties[4].kind: 'group' is not one of state, alliance, organisation",
        "actors[0].roles[0].party: unknown party 'Persia'",
        "actors[1].roles[0].end: ends before it starts (start 2014-11-01)",
        "statements[1].topics[1]: unknown issue 'inspections'",
        "proposals[1].stances[0].effective: '14/07/2015' is not a date as YYYY-MM-DD",
    ]
    assert every_table_count() == before


def test_no_file_is_loaded_when_one_of_them_has_a_mistake(db):
    with pytest.raises(CommandError, match="1 of 2 seed files"):
        call_command("seed", str(EXAMPLE_FILE), str(DATA / "seed" / "bad.json"), stderr=StringIO())
    assert all(count == 0 for count in row_counts().values())


def test_the_second_example_loads_beside_the_first_and_again_changes_nothing(seeded):
    out = StringIO()
    call_command("seed", str(EXAMPLE_FILE), stdout=out)
    negotiation = Negotiation.objects.get(slug="iran-nuclear-programme")
    assert {p.slug for p in negotiation.parties.all()} == {"iran", "united-states", "european-union", "russia", "china"}
    assert Statement.objects.filter(topics__negotiation=negotiation).distinct().count() == 3

    comparison = selectors.positions_compare(
        negotiation=negotiation, as_of=date(2015, 7, 14), parties=[Party.objects.get(slug="iran")]
    )
    rows = {row["slug"]: row for row in comparison["proposals"]}
    assert rows["limits-for-sanctions-relief"]["status"]["status"] == "accepted"
    assert rows["limits-for-sanctions-relief"]["cells"][0]["stance"] == "supports"

    # The parties and the actor it shares with the founding negotiation are defined alike in both files.
    out = StringIO()
    call_command("seed", stdout=out)
    call_command("seed", str(EXAMPLE_FILE), stdout=out)
    counts = re.findall(r"(\d+) inserted, (\d+) updated", out.getvalue())
    assert len(counts) >= 20 and set(counts) == {("0", "0")}, out.getvalue()


def test_it_reproduces_the_seed_articles_positions_as_of_its_date(seeded):
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    negotiation = Negotiation.objects.get(slug=gold["negotiation"])
    titles = {p["proposal"] for p in gold["positions"]}

    found = {
        (s.party.name, s.proposal.title, s.stance)
        for s in selectors.stances_as_of(negotiation=negotiation, as_of=date(2011, 12, 6))
        if s.proposal.title in titles
    }
    assert found == {(p["party"], p["proposal"], p["stance"]) for p in gold["positions"]} | SEED_GOLD_ELSEWHERE

    proponents = dict(Proposal.objects.filter(title__in=titles).values_list("title", "proponent__name"))
    for position in gold["positions"]:
        if position.get("role") == "proponent":
            assert proponents[position["proposal"]] == position["party"]


def test_proposals_not_yet_tabled_are_absent_in_mid_2010(seeded):
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    as_of = date(2010, 6, 1)
    tabled = set(selectors.proposals_as_of(negotiation=negotiation, as_of=as_of))
    later = set(Proposal.objects.filter(first_stated__gt=as_of))
    assert later and tabled and not (tabled & later)
    assert "Two separate but cooperating missile defence systems" in {p.title for p in later}
    shown = {s.proposal for s in selectors.stances_as_of(negotiation=negotiation, as_of=as_of)}
    shown |= {c.proposal for c in selectors.statuses_as_of(negotiation=negotiation, as_of=as_of)}
    assert shown <= tabled


def test_no_status_or_stance_precedes_its_proposal(seeded):
    for model in (StatusChange, Stance):
        for row in model.objects.select_related("proposal"):
            assert row.effective >= row.proposal.first_stated, row


def test_every_status_and_stance_is_grounded_in_a_dated_sourced_statement(seeded):
    for model in (StatusChange, Stance):
        rows = model.objects.annotate(n=Count("evidence"))
        assert rows.exists() and not rows.filter(n=0).exists()
        for row in model.objects.prefetch_related("evidence__document"):
            for statement in row.evidence.all():
                assert statement.said_on <= row.effective, (row, statement)
                assert statement.document.title and statement.document.publisher and statement.document.published


def test_every_quote_is_its_documents_span_and_stands_verbatim_in_the_source(seeded):
    by_key = {d["key"]: d for d in seeded["documents"]}
    for statement in Statement.objects.select_related("document"):
        assert statement.document.text[statement.start : statement.end] == statement.quote
        assert statement.document.excerpt
    # The project keeps the openly licensed corpus texts; the seed's news report is only in ../shared.
    quoted = [(by_key[item["document"]].get("corpus_file"), item) for item in seeded["statements"]]
    for corpus_file, item in sorted(quoted, key=lambda pair: not (CORPUS / "raw" / str(pair[0])).exists()):
        if corpus_file:
            path = CORPUS / "raw" / corpus_file
            text = (path if path.exists() else shared("corpus", "raw", corpus_file)).read_text(encoding="utf-8")
            assert item["quote"] in text, item["key"]


def test_every_speaker_held_a_role_in_the_statements_party_that_day(seeded):
    statements = Statement.objects.exclude(speaker=None).select_related("speaker", "party")
    assert statements.count() >= 30
    for statement in statements:
        assert selectors.party_for_actor_on(actor=statement.speaker, on=statement.said_on) == statement.party, (
            statement.speaker.name,
            statement.said_on,
        )


def test_it_holds_the_founding_cast_and_vocabulary(seeded):
    parties = set(Party.objects.values_list("name", flat=True))
    assert {"NATO", "Russia", "United States", "Poland", "Romania", "Czech Republic", "Turkey"} <= parties
    assert "Moscow" in Party.objects.get(name="Russia").metonyms
    assert set(Issue.objects.values_list("key", flat=True)) == ISSUE_KEYS
    assert not Issue.objects.filter(keywords=[]).exists()
    assert Actor.objects.count() >= 20 and Role.objects.count() >= 20
    rasmussen = Role.objects.get(actor__name="Anders Fogh Rasmussen", party__name="NATO")
    assert (rasmussen.start, rasmussen.end) == (date(2009, 8, 1), date(2014, 9, 30))
    assert Actor.objects.get(name="Russian Foreign Ministry").kind == "body"
    assert Proposal.objects.count() >= 10


def test_a_statements_precision_is_loaded_with_its_day(seed_data):
    dated = copy.deepcopy(seed_data)
    item = dated["statements"][0]
    item |= {"said_on": item["said_on"][:8] + "01", "said_precision": "month"}
    negotiation_seed(data=dated)
    statement = Statement.objects.get(quote=item["quote"], speaker__name=item["speaker"])
    assert (statement.said_on.isoformat(), statement.said_precision) == (item["said_on"], "month")
    assert statement.history.earliest().history_change_reason == "seed"
    assert Statement.objects.exclude(pk=statement.pk).exclude(said_precision="day").count() == sum(
        1 for s in dated["statements"][1:] if s.get("said_precision", "day") != "day"
    )


# The seed as first published, before issue 15 corrected its dates (statements, stances, statuses and a role).
OLD_SEED_COMMIT = "2a6543d"


def seed_state() -> dict[str, list]:
    """Every row the seed writes, by natural keys and values (no ids, no timestamps), for comparing two databases."""

    def said(s: Statement) -> tuple:
        return (s.document.content_hash, s.start, s.speaker.slug if s.speaker else None)

    def evidence(row) -> list:
        return sorted(said(s) for s in row.evidence.all())

    recorded = ("note", "recorded_via", "review_state")
    state = {
        "Party": [(p.name, p.slug, p.kind, p.aliases, p.metonyms) for p in Party.objects.all()],
        "Negotiation": [
            (n.slug, n.title, n.description, n.started, n.ended, sorted(p.name for p in n.parties.all()))
            for n in Negotiation.objects.all()
        ],
        "Issue": [
            (i.negotiation.slug, i.key, i.title, i.description, i.keywords, i.parent.key if i.parent else None)
            for i in Issue.objects.select_related("negotiation", "parent")
        ],
        "Actor": [(a.slug, a.name, a.kind, a.aliases, a.review_state) for a in Actor.objects.all()],
        "Role": [
            (r.actor.slug, r.party.name, r.title, r.start, r.end, r.speaks_for_party)
            for r in Role.objects.select_related("actor", "party")
        ],
        "Source": [(s.name, s.kind, s.url, s.poll_interval, s.is_active) for s in Source.objects.all()],
        "Document": [
            (d.content_hash, d.title, d.publisher, d.published, d.url, d.language, d.text, d.excerpt)
            for d in Document.objects.all()
        ],
        "Statement": [
            (
                *said(s),
                s.end,
                s.party.name if s.party else None,
                s.addressee.name if s.addressee else None,
                s.quote,
                s.mode,
                s.cue,
                s.said_on,
                s.said_precision,
                s.kind,
                s.confidence,
                s.review_state,
                sorted(t.key for t in s.topics.all()),
                s.proposal.slug if s.proposal else None,
            )
            for s in Statement.objects.select_related("document", "speaker", "party", "addressee", "proposal")
        ],
        "Proposal": [
            (p.negotiation.slug, p.slug, p.title, p.description, p.issue.key, p.proponent.name, p.kind, p.first_stated)
            for p in Proposal.objects.select_related("negotiation", "issue", "proponent")
        ],
        "StatusChange": [
            (c.proposal.slug, c.effective, c.status, *(getattr(c, f) for f in recorded), evidence(c))
            for c in StatusChange.objects.select_related("proposal")
        ],
        "Stance": [
            (s.proposal.slug, s.party.name, s.effective, s.stance, *(getattr(s, f) for f in recorded), evidence(s))
            for s in Stance.objects.select_related("proposal", "party")
        ],
    }
    return {name: sorted(rows, key=repr) for name, rows in state.items()}


def seed_rows_deleted() -> None:
    for model in (Stance, StatusChange, Statement, Document, Proposal, Role, Actor, Issue, Source, Negotiation, Party):
        model.objects.all().delete()


@pytest.fixture
def old_seed(tmp_path) -> dict:
    try:
        shown = subprocess.run(
            ["git", "show", f"{OLD_SEED_COMMIT}:fixtures/nato-russia-missile-defence.json"],
            cwd=BASE_DIR,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"the old seed needs the project's git history: {exc}")
    path = tmp_path / "old-seed.json"
    path.write_bytes(shown.stdout)
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_corrected_seed_over_the_old_one_leaves_what_a_fresh_load_leaves(old_seed, seed_data):
    negotiation_seed(data=old_seed)
    report = negotiation_seed(data=seed_data)
    over_old = seed_state()
    removed = {name: c["removed"] for name, c in report.outcomes.items() if c["removed"]}
    # The old file's moved stances and statuses, its re-dated or re-quoted evidence and Tauscher's old start go.
    assert {"Stance", "StatusChange", "Statement", "Document", "Role"} <= set(removed), report.lines()

    seed_rows_deleted()
    negotiation_seed(data=seed_data)
    assert seed_state() == over_old


def test_a_reload_keeps_what_a_person_touched_and_what_still_cites_it(old_seed, seed_data):
    from django.contrib.auth import get_user_model

    from positions.services.curation import recorded_correct, review_set

    negotiation_seed(data=old_seed)
    curator = get_user_model().objects.create(username="curator")
    # Both rows are gone from the corrected file: one a curator re-noted, one a curator approved again.
    noted = Stance.objects.get(
        proposal__slug="legally-binding-guarantees", party__name="NATO", effective=date(2011, 12, 6)
    )
    recorded_correct(row=noted, data={"note": "Checked against Kommersant."}, user=curator)
    reviewed = StatusChange.objects.get(proposal__slug="joint-sectoral-system", status="rejected")
    review_set(row=reviewed, state="rejected", user=curator)
    review_set(row=reviewed, state="approved", user=curator)
    cited = set(reviewed.evidence.values_list("pk", flat=True))

    untouched = StatusChange.objects.get(proposal__slug="new-start-treaty", status="implemented").pk
    negotiation_seed(data=seed_data)
    assert not StatusChange.objects.filter(pk=untouched).exists()  # moved to 2011-02-05 by the file: gone
    assert Stance.objects.filter(pk=noted.pk).exists() and StatusChange.objects.filter(pk=reviewed.pk).exists()
    assert set(StatusChange.objects.get(pk=reviewed.pk).evidence.values_list("pk", flat=True)) == cited
    again = negotiation_seed(data=seed_data)
    assert all(c["removed"] == 0 and c["inserted"] == 0 for c in again.outcomes.values()), again.lines()


def test_a_reload_leaves_a_curator_s_rejection_and_correction_as_they_are(seeded):
    """The launcher loads the seed at every start: a rejected seed row must not come back approved, nor a
    corrected one revert to the file's values; rows nobody touched still follow the file."""
    from django.contrib.auth import get_user_model

    from positions.services.curation import recorded_correct, review_set, statement_correct

    curator = get_user_model().objects.create(username="curator")
    edited = copy.deepcopy(seeded)
    slug, untouched = next((p["slug"], s) for p in edited["proposals"] for s in p.get("stances") or [] if not s["note"])
    untouched["note"] = "A note the file added later."
    rejected = (
        Stance.objects.filter(recorded_via="seed")
        .exclude(proposal__slug=slug, party__name=untouched["party"], effective=untouched["effective"])
        .order_by("pk")
        .first()
    )
    review_set(row=rejected, state="rejected", user=curator)
    renoted = StatusChange.objects.filter(recorded_via="seed").order_by("pk").first()
    recorded_correct(row=renoted, data={"note": "Checked against the communiqué."}, user=curator)
    statement = Statement.objects.filter(document__excerpt=True, kind="assessment").order_by("pk").first()
    statement_correct(statement=statement, data={"kind": "criticism"}, user=curator)

    report = negotiation_seed(data=edited)

    assert Stance.objects.get(pk=rejected.pk).review_state == "rejected"
    assert StatusChange.objects.get(pk=renoted.pk).note == "Checked against the communiqué."
    assert Statement.objects.get(pk=statement.pk).kind == "criticism"
    assert Stance.objects.filter(note="A note the file added later.").count() == 1
    kept = {name: c["kept"] for name, c in report.outcomes.items() if c["kept"]}
    assert kept == {"Stance": 1, "StatusChange": 1, "Statement": 1}, report.lines()
    assert any("1 kept as a person left them" in line for line in report.lines())


def test_a_stance_whose_date_moved_goes_and_leaves_its_record(seeded):
    seed_data = seeded  # loaded by the seed service (conftest.seeded)
    moved = copy.deepcopy(seed_data)
    entry = next(p for p in moved["proposals"] if p["slug"] == "new-start-treaty")["stances"][-1]
    before = entry["effective"]
    entry["effective"] = "2011-12-31"
    report = negotiation_seed(data=moved)
    assert report.outcomes["Stance"]["removed"] == 1, report.lines()
    gone = Stance.history.filter(history_type="-").get()
    assert (gone.effective.isoformat(), gone.history_change_reason) == (before, "seed: no longer in the file")
    assert Stance.objects.filter(proposal__slug="new-start-treaty", effective=date(2011, 12, 31)).exists()
