"""A proposal's relations over HTTP: /api/v1/proposals/{id}/relations and the relations in its history."""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.throttling import SimpleRateThrottle

from positions.models import Proposal, ProposalRelation
from positions.services import curation
from positions.vocabularies import ReviewState
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


def relations(client, proposal_id: int, **params) -> dict:
    response = client.get(f"/api/v1/proposals/{proposal_id}/relations", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_lists_a_seed_proposal_s_relations_both_ways_with_their_evidence(client, seeded):
    sectoral = Proposal.objects.get(slug="joint-sectoral-system")
    body = relations(client, sectoral.id)

    assert (body["id"], body["slug"], body["kind"]) == (sectoral.id, "joint-sectoral-system", "proposal")
    found = {(r["direction"], r["type"], r["proposal"]["slug"], r["since"]) for r in body["relations"]}
    assert found == {
        ("outgoing", "counter_to", "nato-territorial-missile-defence", "2010-11-20"),
        ("incoming", "counter_to", "two-separate-systems", "2011-01-19"),
        ("incoming", "alternative_to", "guarantees-by-military-technical-criteria", "2013-02-26"),
    }
    assert [r["since"] for r in body["relations"]] == sorted(r["since"] for r in body["relations"])
    by_other = {r["proposal"]["slug"]: r for r in body["relations"]}
    assert by_other["two-separate-systems"]["label"] == "countered by"
    assert by_other["nato-territorial-missile-defence"]["label"] == "counters"
    quotes = {s["quote"] for s in by_other["two-separate-systems"]["evidence"]}
    assert any(q.startswith("by having two independent systems") for q in quotes)
    assert all(r["review_state"] == "approved" and r["evidence"] for r in body["relations"])
    statement = by_other["two-separate-systems"]["evidence"][0]
    assert set(statement) == {"id", "quote", "said_on", "speaker", "party", "kind", "document"}


def test_every_seed_relation_is_in_the_api_from_both_of_its_proposals(client, seeded):
    rows = list(ProposalRelation.objects.all())
    assert len(rows) >= 6
    for row in rows:
        outgoing = {
            r["id"] for r in relations(client, row.from_proposal_id)["relations"] if r["direction"] == "outgoing"
        }
        incoming = {r["id"] for r in relations(client, row.to_proposal_id)["relations"] if r["direction"] == "incoming"}
        assert row.id in outgoing and row.id in incoming


def test_it_filters_by_review_state_and_type_and_hides_rejected_ones_from_the_public(client, db):
    proposal = f.proposal()
    approved = f.relation(from_proposal=proposal)
    pending = f.relation(to_proposal=proposal, relation="backs", review_state=ReviewState.PENDING)
    rejected = f.relation(from_proposal=proposal, relation="supersedes", review_state=ReviewState.REJECTED)

    def ids(**params) -> set[int]:
        return {r["id"] for r in relations(client, proposal.id, **params)["relations"]}

    assert ids() == {approved.id, pending.id}
    assert ids(review_state="pending") == {pending.id}
    assert ids(review_state="approved") == {approved.id}
    assert ids(review_state="rejected") == set()
    assert ids(type="backs") == {pending.id}
    [shown] = [r for r in relations(client, proposal.id)["relations"] if r["id"] == pending.id]
    assert shown["review_state"] == "pending"  # shown, and marked as not yet reviewed

    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    assert ids(review_state="rejected") == {rejected.id}

    bad = client.get(f"/api/v1/proposals/{proposal.id}/relations", {"review_state": "maybe"})
    assert bad.status_code == 400 and "review_state" in bad.json()["error"]["fields"]


def test_the_relations_of_an_unknown_proposal_are_a_404(client, db):
    response = client.get("/api/v1/proposals/987654321/relations")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_approving_a_suggested_relation_shows_it_as_approved(client, db):
    suggested = f.relation(review_state=ReviewState.PENDING, recorded_via="extractor test")
    suggested.evidence.add(f.statement(review_state=ReviewState.APPROVED))
    assert relations(client, suggested.from_proposal_id, review_state="approved")["relations"] == []

    curation.review_set(row=suggested, state=ReviewState.APPROVED, user=None)
    [shown] = relations(client, suggested.from_proposal_id, review_state="approved")["relations"]
    assert (shown["id"], shown["review_state"], len(shown["evidence"])) == (suggested.id, "approved", 1)


def test_the_relations_cost_the_same_queries_for_1_and_10_relations(client, db):
    def queries(proposal_id: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/v1/proposals/{proposal_id}/relations", {"fresh": proposal_id})
        return len(captured)

    one = f.relation()
    one.evidence.add(f.statement(review_state=ReviewState.APPROVED))
    ten = f.proposal()
    for n in range(10):
        row = f.relation(from_proposal=ten) if n % 2 else f.relation(to_proposal=ten, relation="backs")
        row.evidence.add(*(f.statement(review_state=ReviewState.APPROVED) for _ in range(2)))
    assert queries(one.from_proposal_id) == queries(ten.id)


def test_relations_are_events_of_the_proposal_s_history(client, db):
    relation = f.relation(effective=date(2011, 1, 19))
    relation.evidence.add(f.statement(review_state=ReviewState.APPROVED))
    f.status_change(proposal=relation.to_proposal, effective=date(2010, 6, 1))

    events = client.get(f"/api/v1/proposals/{relation.to_proposal_id}/history").json()["events"]
    assert [e["type"] for e in events] == ["status", "relation"]
    event = events[1]
    assert (event["date"], event["value"], event["party"], len(event["evidence"])) == (
        "2011-01-19",
        "counter_to",
        None,
        1,
    )
    assert event["relation"]["direction"] == "incoming" and event["relation"]["label"] == "countered by"
    assert event["relation"]["proposal"]["id"] == relation.from_proposal_id
    assert events[0]["relation"] is None


def test_the_relations_are_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/proposals/{id}/relations"]["get"]
    assert operation["operationId"] == "proposal_relations"
    assert {p["name"] for p in operation["parameters"]} >= {"id", "review_state", "type"}
    relation = schema["components"]["schemas"]["Relation"]
    assert {"type", "direction", "proposal", "since", "review_state", "evidence"} <= set(relation["properties"])
    event = schema["components"]["schemas"]["HistoryEvent"]["properties"]
    assert "relation" in event
