"""The fact table (fixtures/…-facts.tsv) against the seed as the seed service loads it: one case per dated fact.

A student cites these: who held which office when, when each proposal was first stated and by whom, each status
change, the day each of a party's stances began (a run: restatements continue it) and when a statement was said
where that is not the day of the report. Each row names its public source; where the source is a document the seed
stores (a corpus text or a citation record), the row's evidence must stand verbatim in it and in a statement that
grounds the fact. The posts' sources are not stored: their rows quote the appointment as published, for a reader.
"""

import csv
import json
from datetime import date

import pytest
from django.db import transaction

from positions import selectors
from positions.models import Document, Negotiation, Proposal, Role, Stance, Statement, StatusChange
from positions.services import negotiation_seed
from tests.conftest import BASE_DIR, SEED_FILE

FACTS_FILE = BASE_DIR / "fixtures" / "nato-russia-missile-defence-facts.tsv"
COLUMNS = [
    "fact_id",
    "kind",
    "subject",
    "party",
    "value",
    "date",
    "precision",
    "source_url",
    "source_title",
    "evidence",
]
SEED = "nato-russia-missile-defence"


def read_facts() -> list[dict]:
    with FACTS_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == COLUMNS
        return list(reader)


FACTS = read_facts()
# The rows of the issue's "Errors found" table, each as the fact that now holds (issue 15).
CORRECTED = {
    "two-separate-systems-first-stated-2011-01-19",
    "two-separate-systems-tabled-2011-01-19",
    "serdyukov-2011-trust-no-results-said-2011-06",
    "serdyukov-2011-nato-insists-two-systems-said-2011-06",
    "serdyukov-2011-neutralise-by-2020-said-2011-06",
    "serdyukov-2011-new-arms-race-said-2011-06",
    "russia-opposes-two-separate-systems-since-2011-01-19",
    "russia-conditional-european-phased-adaptive-approach-since-2010-04-08",
    "russia-conditional-nato-territorial-missile-defence-since-2011-06-08",
    "russia-supports-joint-sectoral-system-since-2010-11-20",
    "toner-2011-hopes-for-cooperation-said-2011-11-23",
    "toner-2011-not-directed-against-russia-said-2011-11-23",
    "toner-2011-no-basis-for-threats-said-2011-11-23",
    "united-states-opposes-withdrawal-from-new-start-since-2011-11-23",
    "foreign-ministry-2011-legal-guarantees-said-2011-08",
    "joint-sectoral-system-first-stated-2010-11-20",
    "joint-sectoral-system-tabled-2010-11-20",
    "joint-sectoral-system-rejected-2011-06-08",
    "legally-binding-guarantees-rejected-2011-07-04",
    "legally-binding-guarantees-rejected-2011-10-18",
    "united-states-opposes-legally-binding-guarantees-since-2011-10-18",
    "nato-territorial-missile-defence-accepted-2010-11-19",
    "european-phased-adaptive-approach-accepted-2010-11-20",
    "new-start-treaty-implemented-2011-02-05",
    "joint-ballistic-missile-threat-assessment-accepted-2009-07-06",
    "joint-tmd-exercises-2012-first-stated-2010-11-20",
    "joint-tmd-exercises-2012-implemented-2012-04-02",
    "ellen-tauscher-under-secretary-from-2009-06-27",
}


@pytest.fixture(scope="module")
def record(django_db_setup, django_db_blocker) -> dict:
    """The seed loaded by the seed service, read once into plain data, then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        negotiation_seed(data=json.loads(SEED_FILE.read_text(encoding="utf-8")))
        loaded = _read_back()
        transaction.set_rollback(True)
    return loaded


def _read_back() -> dict:
    negotiation = Negotiation.objects.get(slug=SEED)

    def said(s: Statement) -> dict:
        return {
            "quote": s.quote,
            "speaker": s.speaker.slug if s.speaker else "",
            "party": s.party.slug if s.party else "",
            "said_on": s.said_on.isoformat(),
            "precision": s.said_precision,
            "url": s.document.url,
            "title": s.document.title,
        }

    def evidence(row) -> list[dict]:
        return [said(s) for s in row.evidence.select_related("document", "speaker", "party")]

    stance_dates = {date.fromisoformat(f["date"]) for f in FACTS if f["kind"] == "stance"}
    return {
        "roles": {
            (r.actor.slug, r.party.slug, r.title): (r.start.isoformat(), r.end and r.end.isoformat())
            for r in Role.objects.select_related("actor", "party")
        },
        "statements": [said(s) for s in Statement.objects.select_related("document", "speaker", "party")],
        "documents": {(d.url, d.title): d.text for d in Document.objects.all()},
        "proposals": {
            p.slug: (p.first_stated.isoformat(), p.proponent.slug)
            for p in Proposal.objects.filter(negotiation=negotiation).select_related("proponent")
        },
        "statuses": [
            (c.proposal.slug, c.status, c.effective.isoformat(), evidence(c))
            for c in StatusChange.objects.filter(proposal__negotiation=negotiation).select_related("proposal")
        ],
        "stances": [
            (s.proposal.slug, s.party.slug, s.stance, s.effective.isoformat(), evidence(s))
            for s in Stance.objects.filter(proposal__negotiation=negotiation).select_related("proposal", "party")
        ],
        "runs": {
            (day.isoformat(), run.proposal.slug, run.party.slug): (run.stance, run.since.isoformat())
            for day in stance_dates
            for run in selectors.stance_runs_as_of(negotiation=negotiation, as_of=day)
        },
    }


def grounded(fact: dict, statements: list[dict]) -> dict:
    """The statement the fact's evidence is taken from, standing in the document the fact names."""
    found = [s for s in statements if fact["evidence"] in s["quote"] and s["url"] == fact["source_url"]]
    assert found, f"no statement of {fact['source_url'] or fact['source_title']!r} holds {fact['evidence']!r}"
    assert all(s["title"] == fact["source_title"] for s in found), found
    return found[0]


@pytest.mark.parametrize("fact", FACTS, ids=[f["fact_id"] for f in FACTS])
def test_facts_hold_in_the_loaded_seed(record, fact):
    kind, subject, party, value, day = fact["kind"], fact["subject"], fact["party"], fact["value"], fact["date"]
    assert fact["source_url"] or fact["source_title"], "every fact names its source"
    if kind in ("role", "role_end"):
        start, end = record["roles"][(subject, party, value)]
        assert (start if kind == "role" else end) == day
        assert fact["evidence"], "a post's row quotes its appointment as published"
        return
    if kind == "said":
        statement = grounded(fact, [s for s in record["statements"] if s["speaker"] == value])
        assert (statement["speaker"], statement["party"]) == (value, party)
        assert (statement["said_on"], statement["precision"]) == (day, fact["precision"])
        return
    if kind == "first_stated":
        assert record["proposals"][subject] == (day, party)
        cited = [s for p, *_, e in record["statuses"] + record["stances"] if p == subject for s in e]
        assert grounded(fact, cited)["said_on"] <= day
        return
    if kind == "status":
        rows = [e for p, status, effective, e in record["statuses"] if (p, status, effective) == (subject, value, day)]
        assert len(rows) == 1, rows
        assert grounded(fact, rows[0])["said_on"] <= day
        return
    assert kind == "stance", kind
    assert record["runs"][(day, subject, party)] == (value, day), "the run in force that day began that day"
    rows = [
        e
        for p, who, stance, effective, e in record["stances"]
        if (p, who, stance, effective) == (subject, party, value, day)
    ]
    assert len(rows) == 1, rows
    assert grounded(fact, rows[0])["said_on"] <= day


def test_facts_cover_the_issues_table_and_have_one_row_each():
    ids = [f["fact_id"] for f in FACTS]
    assert len(ids) == len(set(ids))
    assert not CORRECTED - set(ids), CORRECTED - set(ids)
    assert {f["kind"] for f in FACTS} == {"role", "role_end", "said", "first_stated", "status", "stance"}


def test_facts_evidence_stands_verbatim_in_its_stored_document(record):
    stored = [f for f in FACTS if f["kind"] not in ("role", "role_end")]
    for fact in stored:
        texts = [
            text
            for (url, title), text in record["documents"].items()
            if (url, title) == (fact["source_url"], fact["source_title"])
        ]
        assert texts and all(fact["evidence"] in text for text in texts), fact["fact_id"]


def test_facts_list_every_proposal_status_and_run_of_the_seed(record):
    by_kind = {kind: {f["fact_id"] for f in FACTS if f["kind"] == kind} for kind in ("first_stated", "status")}
    assert len(by_kind["first_stated"]) == len(record["proposals"])
    assert len(by_kind["status"]) == len(record["statuses"])
    starts = set()
    for slug, party, stance, effective, _ in sorted(record["stances"], key=lambda r: r[3]):
        before = [r for r in record["stances"] if r[:2] == (slug, party) and r[3] < effective]
        if not before or max(before, key=lambda r: r[3])[2] != stance:
            starts.add((slug, party, stance, effective))
    assert starts == {(f["subject"], f["party"], f["value"], f["date"]) for f in FACTS if f["kind"] == "stance"}


@pytest.mark.django_db
def test_facts_as_of_the_report_the_matrix_gives_each_run_its_start(seeded):
    """Issue 15, acceptance 2: the comparison's `since` is the run's start, not the report's date."""
    negotiation = Negotiation.objects.get(slug=SEED)
    parties = selectors.negotiation_parties(negotiation=negotiation)
    matrix = selectors.positions_compare(negotiation=negotiation, as_of=date(2011, 12, 6), parties=parties)
    cells = {(p["slug"], c["party"]): c for p in matrix["proposals"] for c in p["cells"]}
    sectoral, two_systems = cells[("joint-sectoral-system", "russia")], cells[("two-separate-systems", "nato")]
    assert (sectoral["stance"], sectoral["since"], sectoral["last_stated"]) == (
        "supports", date(2010, 11, 20), date(2011, 6, 1),
    )  # fmt: skip
    assert (two_systems["stance"], two_systems["since"], two_systems["last_stated"]) == (
        "supports", date(2011, 1, 19), date(2011, 12, 6),
    )  # fmt: skip
