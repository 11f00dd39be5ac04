"""The comparison matrix, the changes between two dates and a proposal's timeline, over HTTP."""

import json
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.throttling import SimpleRateThrottle

from positions import selectors
from positions.api.comparison import ChangesView, CompareView, ProposalHistoryView
from positions.models import Proposal
from positions.selectors import RECENT_ANSWERS
from positions.vocabularies import ReviewState
from tests import factories as f
from tests.conftest import SEED_GOLD, SEED_GOLD_ELSEWHERE

# The views' own URLs, so these tests do not wait for the rest of the API.
urlpatterns = [
    path("api/v1/compare", CompareView.as_view(), name="api-compare"),
    path("api/v1/changes", ChangesView.as_view(), name="api-changes"),
    path("api/v1/proposals/<int:pk>/history", ProposalHistoryView.as_view(), name="api-proposal-history"),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SEED = "nato-russia-missile-defence"
TWO_SYSTEMS = "Two separate but cooperating missile defence systems"
EPAA = "European Phased Adaptive Approach (EPAA)"


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


@pytest.fixture
def curator(client):
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    return client


def compare(client, **params):
    return client.get("/api/v1/compare", params)


def cells_by_party(response_json) -> dict[str, dict[str, dict]]:
    """{proposal title: {party slug: cell}}."""
    return {p["title"]: {c["party"]: c for c in p["cells"]} for p in response_json["proposals"]}


def matrix(*, proposals: int, parties: int = 3):
    """A negotiation with evidence-backed statuses and stances for every party on every proposal."""
    negotiation = f.negotiation()
    members = [f.party() for _ in range(parties)]
    negotiation.parties.add(*members)
    issue = f.issue(negotiation=negotiation)
    for _ in range(proposals):
        proposal = f.proposal(negotiation=negotiation, issue=issue, proponent=members[0])
        f.status_change(proposal=proposal).evidence.add(f.statement(review_state=ReviewState.APPROVED))
        for party in members:
            stance = f.stance(proposal=proposal, party=party)
            stance.evidence.add(*(f.statement(review_state=ReviewState.APPROVED) for _ in range(2)))
    return negotiation


def queries_for(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


# --- compare -----------------------------------------------------------------------------------


def test_it_reproduces_the_seed_articles_gold_positions_as_of_its_date(client, seeded):
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    response = compare(client, negotiation=gold["negotiation"], as_of="2011-12-06")
    assert response.status_code == 200
    body = response.json()
    names = {party["slug"]: party["name"] for party in body["parties"]}
    titles = {position["proposal"] for position in gold["positions"]}

    found = {
        (names[cell["party"]], proposal["title"], cell["stance"])
        for proposal in body["proposals"]
        if proposal["title"] in titles
        for cell in proposal["cells"]
        if cell["stance"] is not None
    }
    assert found == {(p["party"], p["proposal"], p["stance"]) for p in gold["positions"]} | SEED_GOLD_ELSEWHERE
    proponents = {p["title"]: p["proponent"]["name"] for p in body["proposals"]}
    for position in gold["positions"]:
        if position.get("role") == "proponent":
            assert proponents[position["proposal"]] == position["party"]


def test_each_cell_carries_its_evidence_and_the_latest_statement(client, seeded):
    body = compare(client, negotiation=SEED, as_of="2011-12-06").json()
    assert body["negotiation"] == SEED and body["as_of"] == "2011-12-06"
    assert [p["name"] for p in body["parties"]] == sorted(p["name"] for p in body["parties"])
    keys = [(p["issue"], p["first_stated"], p["title"]) for p in body["proposals"]]
    assert keys == sorted(keys)

    two_systems = next(p for p in body["proposals"] if p["title"] == TWO_SYSTEMS)
    # Tabled by Rasmussen on 2011-01-19, restated in June and December (issue 15): since the run's start.
    assert two_systems["status"] == {"status": "tabled", "since": "2011-01-19", "review_state": "approved"}
    nato = next(c for c in two_systems["cells"] if c["party"] == "nato")
    assert (nato["stance"], nato["since"], nato["last_stated"], nato["review_state"], nato["statements"]) == (
        "supports",
        "2011-01-19",
        "2011-12-06",
        "approved",
        5,  # the run's evidence: 2 statements of 19 Jan, 1 of 8 June, 2 of 6 Dec 2011
    )
    assert set(nato["latest_statement"]) == {"id", "quote", "said_on", "speaker", "url", "document"}
    assert nato["latest_statement"]["speaker"] == "Anders Fogh Rasmussen"
    assert "two separate missile defence system" in nato["latest_statement"]["quote"]
    poland = next(c for c in two_systems["cells"] if c["party"] == "poland")
    assert poland == {
        "party": "poland",
        "stance": None,
        "since": None,
        "last_stated": None,
        "review_state": None,
        "statements": 0,
        "latest_statement": None,
    }


def test_proposals_first_stated_later_are_absent_in_mid_2010(client, seeded):
    body = compare(client, negotiation=SEED, as_of="2010-06-01").json()
    titles = {p["title"] for p in body["proposals"]}
    assert TWO_SYSTEMS not in titles
    assert titles and all(p["first_stated"] <= "2010-06-01" for p in body["proposals"])
    later = set(Proposal.objects.filter(first_stated__gt=date(2010, 6, 1)).values_list("title", flat=True))
    assert later and not titles & later


def test_it_limits_and_orders_the_columns_to_the_parties_asked_for(client, seeded):
    body = compare(client, negotiation=SEED, as_of="2011-12-06", parties="russia,nato").json()
    assert [p["slug"] for p in body["parties"]] == ["russia", "nato"]
    assert body["proposals"] and all([c["party"] for c in p["cells"]] == ["russia", "nato"] for p in body["proposals"])
    body = compare(client, negotiation=SEED, as_of="2011-12-06", parties="nato,russia").json()
    assert [p["slug"] for p in body["parties"]] == ["nato", "russia"]


def test_a_party_outside_the_negotiation_is_a_400(client, seeded):
    f.party(name="Atlantis", slug="atlantis")
    for parties in ("nato,no-such-party", "atlantis", ","):
        response = compare(client, negotiation=SEED, parties=parties)
        assert response.status_code == 400, parties
        error = response.json()["error"]
        assert error["status"] == 400 and "parties" in error["fields"]


def test_an_unknown_negotiation_is_a_400_naming_it_and_a_missing_one_a_400(client, db):
    response = compare(client, negotiation="no-such-negotiation")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"negotiation": ["No negotiation 'no-such-negotiation'."]}
    response = compare(client)
    assert response.status_code == 400
    assert "negotiation" in response.json()["error"]["fields"]


def test_a_negotiation_made_after_the_matrix_query_found_none_is_still_that_querys_400(client, db, monkeypatch):
    # The matrix's one query found no negotiation by that slug; one made just after it (another request's
    # commit) must not turn the answer into a 500 by a second look finding it.
    found = selectors.comparison_read

    def read_then_made(**kwargs):
        read = found(**kwargs)
        f.negotiation(slug=kwargs["slug"])
        return read

    monkeypatch.setattr(selectors, "comparison_read", read_then_made)
    response = compare(client, negotiation="made-meanwhile")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"negotiation": ["No negotiation 'made-meanwhile'."]}


@pytest.mark.parametrize("as_of", ["2011-13-01", "yesterday", "2011-12-06T10:00:00", "06/12/2011"])
def test_a_bad_date_is_a_400(client, seeded, as_of):
    response = compare(client, negotiation=SEED, as_of=as_of)
    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {"as_of"}


def test_it_reads_as_of_today_by_default(client, db):
    negotiation = matrix(proposals=1)
    Proposal.objects.update(first_stated=date.today() + timedelta(days=1))
    body = compare(client, negotiation=negotiation.slug).json()
    assert body["as_of"] == date.today().isoformat()
    assert body["proposals"] == []


def test_the_comparison_costs_the_same_queries_for_2_and_20_proposals(client, db):
    small, large = matrix(proposals=2), matrix(proposals=20, parties=5)
    counts = [
        queries_for(client, "/api/v1/compare", {"negotiation": n.slug, "as_of": "2011-01-01"}) for n in (small, large)
    ]
    # One for the answer (selectors.comparison_read: with no deadline set, none for them) and the data version: one
    # statement needs no transaction (no savepoint and release here, where the test's transaction is around it).
    assert counts[0] == counts[1] == 1 + 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/compare", {"negotiation": large.slug, "as_of": "2011-01-02"}).status_code == 200
    assert not [q["sql"] for q in queries if "SAVEPOINT" in q["sql"]]
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    cache.clear()  # the same answers as the public's: built again, not served (tests/test_answers.py)
    RECENT_ANSWERS.clear()  # nor kept by this process
    counts = [
        queries_for(client, "/api/v1/compare", {"negotiation": n.slug, "as_of": "2011-01-01"}) for n in (small, large)
    ]
    assert counts[0] == counts[1] == 1 + 1 + 2  # and the session and the user


def test_a_rejected_stance_is_never_in_force(client, db):
    negotiation = f.negotiation()
    party = f.party()
    negotiation.parties.add(party)
    proposal = f.proposal(negotiation=negotiation)
    earlier = f.stance(proposal=proposal, party=party, stance="supports", effective=date(2010, 1, 1))
    said, withdrawn = f.statement(review_state=ReviewState.APPROVED), f.statement(review_state=ReviewState.REJECTED)
    earlier.evidence.add(said, withdrawn)
    f.stance(proposal=proposal, party=party, stance="opposes", effective=date(2011, 1, 1), review_state="rejected")
    params = {"negotiation": negotiation.slug, "as_of": "2011-06-01"}

    cell = compare(client, **params).json()["proposals"][0]["cells"][0]
    assert (cell["stance"], cell["review_state"], cell["statements"]) == ("supports", "approved", 1)
    assert cell["latest_statement"]["id"] == said.id

    # A rejected row is not in force for a curator either: it never became true.
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    cell = compare(client, **params).json()["proposals"][0]["cells"][0]
    assert (cell["stance"], cell["review_state"], cell["statements"]) == ("supports", "approved", 1)


def test_pending_stances_count_unless_approved_only(client, db):
    negotiation = f.negotiation()
    party = f.party()
    negotiation.parties.add(party)
    proposal = f.proposal(negotiation=negotiation)
    f.status_change(proposal=proposal, status="tabled", effective=date(2010, 1, 1))
    f.stance(proposal=proposal, party=party, stance="supports", effective=date(2010, 1, 1))
    f.stance(proposal=proposal, party=party, stance="opposes", effective=date(2011, 1, 1), review_state="pending")
    f.status_change(proposal=proposal, status="stalled", effective=date(2011, 1, 1), review_state="pending")
    params = {"negotiation": negotiation.slug, "as_of": "2011-06-01"}

    row = compare(client, **params).json()["proposals"][0]
    assert (row["cells"][0]["stance"], row["cells"][0]["review_state"]) == ("opposes", "pending")
    assert row["status"] == {"status": "stalled", "since": "2011-01-01", "review_state": "pending"}
    row = compare(client, **params, approved_only="true").json()["proposals"][0]
    assert (row["cells"][0]["stance"], row["cells"][0]["review_state"]) == ("supports", "approved")
    assert row["status"]["status"] == "tabled"


def one_cell(client, negotiation, as_of: str) -> tuple[dict, dict]:
    """(the status, the cell) of a one-proposal, one-party comparison."""
    [row] = compare(client, negotiation=negotiation.slug, as_of=as_of).json()["proposals"]
    return row["status"], row["cells"][0]


def test_a_run_of_two_equal_stances_is_since_the_first_and_last_stated_at_the_latest_evidence(client, db):
    negotiation, party = f.negotiation(), f.party()
    negotiation.parties.add(party)
    proposal = f.proposal(negotiation=negotiation)
    first = f.stance(proposal=proposal, party=party, stance="opposes", effective=date(2010, 3, 1))
    first.evidence.add(f.statement(party=party, said_on=date(2010, 3, 1), review_state=ReviewState.APPROVED))
    again = f.stance(proposal=proposal, party=party, stance="opposes", effective=date(2011, 6, 1))
    said = f.statement(party=party, said_on=date(2011, 5, 28), review_state=ReviewState.APPROVED)
    again.evidence.add(said)
    f.status_change(proposal=proposal, status="tabled", effective=date(2010, 1, 1))
    f.status_change(proposal=proposal, status="tabled", effective=date(2011, 6, 1))

    status, cell = one_cell(client, negotiation, "2011-12-06")
    assert status["since"] == "2010-01-01"
    assert (cell["stance"], cell["since"], cell["last_stated"]) == ("opposes", "2010-03-01", "2011-05-28")
    assert cell["statements"] == 2 and cell["latest_statement"]["id"] == said.id
    # Before the restatement, the run is its first row alone.
    status, cell = one_cell(client, negotiation, "2011-05-31")
    assert (cell["since"], cell["last_stated"], cell["statements"]) == ("2010-03-01", "2010-03-01", 1)


def test_a_run_without_evidence_was_last_stated_on_its_latest_rows_day(client, db):
    negotiation, party = f.negotiation(), f.party()
    negotiation.parties.add(party)
    proposal = f.proposal(negotiation=negotiation)
    f.stance(proposal=proposal, party=party, stance="supports", effective=date(2010, 3, 1))
    f.stance(proposal=proposal, party=party, stance="supports", effective=date(2011, 6, 1))
    _, cell = one_cell(client, negotiation, "2011-12-06")
    assert (cell["since"], cell["last_stated"], cell["latest_statement"]) == ("2010-03-01", "2011-06-01", None)


def test_a_cell_shows_its_own_partys_words_before_anothers(client, db):
    negotiation, russia, united_states = f.negotiation(), f.party(name="Russia"), f.party(name="United States")
    negotiation.parties.add(russia)
    proposal = f.proposal(negotiation=negotiation)
    stance = f.stance(proposal=proposal, party=russia, stance="supports", effective=date(2009, 7, 6))
    own = f.statement(party=russia, said_on=date(2009, 7, 6), review_state=ReviewState.APPROVED)
    obama = f.statement(party=united_states, said_on=date(2009, 7, 7), review_state=ReviewState.APPROVED)
    stance.evidence.add(own, obama)
    _, cell = one_cell(client, negotiation, "2010-01-01")
    assert cell["latest_statement"]["id"] == own.id
    assert cell["last_stated"] == "2009-07-07"  # the latest evidence, whoever said it
    stance.evidence.remove(own)
    _, cell = one_cell(client, negotiation, "2010-01-01")
    assert cell["latest_statement"]["id"] == obama.id  # another's words when the party's own are missing


# --- changes -----------------------------------------------------------------------------------


def test_it_lists_the_seeds_changes_with_what_was_in_force_before(client, seeded):
    start, end = date(2011, 1, 1), date(2011, 12, 6)
    expected = set()
    for proposal in seeded["proposals"]:
        for kind, rows in (("status", proposal["statuses"]), ("stance", proposal["stances"])):
            for row in rows:
                effective = date.fromisoformat(row["effective"])
                if start < effective <= end:
                    earlier = [
                        r for r in rows if r.get("party") == row.get("party") and r["effective"] < row["effective"]
                    ]
                    previous = max(earlier, key=lambda r: r["effective"])[kind] if earlier else None
                    if previous == row[kind]:
                        continue  # a restatement: evidence, not a change
                    expected.add((row["effective"], kind, proposal["title"], row.get("party"), row[kind], previous))

    response = client.get("/api/v1/changes", {"negotiation": SEED, "from": "2011-01-01", "to": "2011-12-06"})
    assert response.status_code == 200
    body = response.json()
    assert (body["negotiation"], body["from"], body["to"]) == (SEED, "2011-01-01", "2011-12-06")
    changes = body["changes"]
    found = [
        (c["date"], c["type"], c["proposal"]["title"], c["party"] and c["party"]["name"], c["value"], c["previous"])
        for c in changes
    ]
    assert len(found) == len(expected) and set(found) == expected
    order = [(c["date"], c["proposal"]["title"], c["party"]["name"] if c["party"] else "") for c in changes]
    assert order == sorted(order)
    assert all(c["evidence"] and c["review_state"] == "approved" for c in changes)

    epaa = Proposal.objects.get(title=EPAA).id
    guarantees = Proposal.objects.get(slug="legally-binding-guarantees")
    single = Proposal.objects.get(title__startswith="Single joint").id
    summary = {(s["proposal"], s["party"]): (s["before"], s["after"]) for s in body["summary"]}
    assert summary[(epaa, "russia")] == ("conditional", "opposes")
    assert summary[(guarantees.id, None)] == (None, "rejected")  # tabled 2011-04-18, refused 2011-07-04
    assert summary[(single, None)] == ("tabled", "rejected")
    assert all(before != after for before, after in summary.values())
    new_start = Proposal.objects.get(title__startswith="New START treaty").id
    assert (new_start, "russia") not in summary  # supports, restated


def test_changes_need_from_before_to(client, seeded):
    response = client.get("/api/v1/changes", {"negotiation": SEED, "from": "2011-12-06", "to": "2011-01-01"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"to": ["Must be on or after `from`."]}
    response = client.get("/api/v1/changes", {"negotiation": SEED, "from": "2011-12-06"})
    assert response.status_code == 400 and "to" in response.json()["error"]["fields"]
    response = client.get("/api/v1/changes", {"negotiation": "nope", "from": "2011-01-01", "to": "2011-12-06"})
    assert response.status_code == 400 and "nope" in response.json()["error"]["fields"]["negotiation"][0]


def test_a_change_on_the_from_day_is_not_listed_and_one_on_the_to_day_is(client, db):
    stance = f.stance(effective=date(2011, 1, 1))
    f.stance(proposal=stance.proposal, party=stance.party, stance="opposes", effective=date(2011, 6, 1))
    params = {"negotiation": stance.proposal.negotiation.slug}
    changes = client.get("/api/v1/changes", {**params, "from": "2011-01-01", "to": "2011-06-01"}).json()["changes"]
    assert [(c["date"], c["value"], c["previous"]) for c in changes] == [("2011-06-01", "opposes", "supports")]
    body = client.get("/api/v1/changes", {**params, "from": "2010-12-31", "to": "2011-05-31"}).json()
    assert [(c["date"], c["previous"]) for c in body["changes"]] == [("2011-01-01", None)]
    assert body["summary"] == [
        {"proposal": stance.proposal_id, "party": stance.party.slug, "before": None, "after": "supports"}
    ]


def test_the_changes_cost_the_same_queries_for_2_and_20_proposals(client, db):
    counts = [
        queries_for(client, "/api/v1/changes", {"negotiation": n.slug, "from": "2009-01-01", "to": "2011-01-01"})
        for n in (matrix(proposals=2), matrix(proposals=20, parties=5))
    ]
    assert counts[0] == counts[1] == 5 + 1 + 2  # the data version, the request's savepoint and its release


# --- history -----------------------------------------------------------------------------------


def test_a_proposals_history_lists_its_events_in_date_order_with_their_quotes(client, seeded):
    spec = next(p for p in seeded["proposals"] if p["title"] == EPAA)
    quotes = {s["key"]: s["quote"] for s in seeded["statements"]}
    proposal = Proposal.objects.get(title=EPAA)

    response = client.get(f"/api/v1/proposals/{proposal.id}/history")
    assert response.status_code == 200
    body = response.json()
    assert (body["slug"], body["negotiation"], body["issue"], body["proponent"]["name"], body["first_stated"]) == (
        spec["slug"],
        SEED,
        spec["issue"],
        spec["proponent"],
        spec["first_stated"],
    )
    assert [e["date"] for e in body["events"]] == sorted(e["date"] for e in body["events"])
    relations = [e for e in body["events"] if e["type"] == "relation"]
    touching = [r for r in seeded["relations"] if spec["slug"] in (r["from"], r["to"])]
    assert sorted(e["relation"]["proposal"]["slug"] for e in relations) == sorted(
        r["to"] if r["from"] == spec["slug"] else r["from"] for r in touching
    )
    events = [e for e in body["events"] if e["type"] != "relation"]
    expected = {
        (kind, row.get("party"), row["effective"]): (row[kind], {quotes[k] for k in row["evidence"]})
        for kind, rows in (("status", spec["statuses"]), ("stance", spec["stances"]))
        for row in rows
    }
    found = {
        (e["type"], e["party"] and e["party"]["name"], e["date"]): (e["value"], {s["quote"] for s in e["evidence"]})
        for e in events
    }
    assert len(events) == len(expected) and found == expected
    statement = events[0]["evidence"][0]
    assert set(statement) == {"id", "quote", "said_on", "speaker", "party", "kind", "document"}
    assert set(statement["document"]) == {"id", "title", "url", "publisher", "published"}
    assert statement["document"]["publisher"] and statement["document"]["published"]


def test_the_history_of_an_unknown_proposal_is_a_404(client, db):
    response = client.get("/api/v1/proposals/987654321/history")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_the_history_hides_rejected_rows_and_statements_from_the_public(client, db):
    stance = f.stance()
    stance.evidence.add(f.statement(review_state=ReviewState.APPROVED), f.statement(review_state="rejected"))
    f.status_change(proposal=stance.proposal, review_state="rejected")
    url = f"/api/v1/proposals/{stance.proposal_id}/history"

    events = client.get(url).json()["events"]
    assert [(e["type"], len(e["evidence"])) for e in events] == [("stance", 1)]
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    events = client.get(url).json()["events"]
    assert sorted((e["type"], e["review_state"], len(e["evidence"])) for e in events) == [
        ("stance", "approved", 2),
        ("status", "rejected", 0),
    ]


def test_the_history_costs_the_same_queries_for_1_and_10_events(client, db):
    one = f.status_change()
    one.evidence.add(f.statement(review_state=ReviewState.APPROVED))
    ten = f.proposal()
    for day, status in enumerate(["tabled", "under_discussion", "accepted", "stalled", "implemented"], start=1):
        change = f.status_change(proposal=ten, status=status, effective=date(2010, 1, day))
        change.evidence.add(f.statement(review_state=ReviewState.APPROVED))
    for day in range(1, 6):
        f.stance(proposal=ten, effective=date(2010, 2, day)).evidence.add(f.statement(review_state="approved"))
    for kind in ("counter_to", "backs", "supersedes"):
        f.relation(from_proposal=ten, relation=kind).evidence.add(f.statement(review_state="approved"))
    counts = [queries_for(client, f"/api/v1/proposals/{p}/history") for p in (one.proposal_id, ten.id)]
    # Seven (two of them the relations and their evidence), the data version, the request's savepoint and its release.
    assert counts[0] == counts[1] == 7 + 1 + 2


# --- schema ------------------------------------------------------------------------------------


def test_the_schema_documents_parameters_bodies_and_errors():
    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    validate_schema(schema)
    operations = {
        "/api/v1/compare": {"negotiation", "as_of", "known_at", "parties", "approved_only"},
        "/api/v1/changes": {"negotiation", "from", "to", "known_at"},
        "/api/v1/proposals/{id}/history": {"id", "known_at"},
    }
    for route, names in operations.items():
        operation = schema["paths"][route]["get"]
        assert {p["name"] for p in operation["parameters"]} == names
        assert all(p.get("description") for p in operation["parameters"])
        assert "200" in operation["responses"] and "404" in operation["responses"]
        error = operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"]
        assert error == "#/components/schemas/Error"
    components = schema["components"]["schemas"]
    assert set(components["CompareCell"]["properties"]) == {
        "party",
        "stance",
        "since",
        "last_stated",
        "review_state",
        "statements",
        "latest_statement",
    }
    assert {"since", "restatement"} <= set(components["HistoryEvent"]["properties"])
    assert list(components["Changes"]["properties"]) == ["negotiation", "from", "to", "known_at", "changes", "summary"]
