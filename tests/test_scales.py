"""A position scale (issue 19, point 3): positions read from stances and placements, salience, distance, CSV."""

import csv
import io
from datetime import date

import pytest

from positions import selectors
from positions.models import Scale, ScaleStep
from positions.services.scales import scale_position_set
from positions.services.seed_check import seed_problems
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]

SEED = "nato-russia-missile-defence"


def _positions(found: dict) -> dict[str, list[tuple]]:
    """By party slug, its change points as (date, position, source)."""
    return {
        s["party"]["slug"]: [(p["date"].isoformat(), p["position"], p["source"]) for p in s["points"]]
        for s in found["parties"]
    }


def _distance(found: dict) -> list[tuple]:
    return [(d["date"].isoformat(), d["distance"]) for d in found["distance"]]


@pytest.fixture
def world():
    """An issue with a three-step scale, two proposals on it, two parties."""
    negotiation = f.negotiation(slug="scaled", started=date(2012, 1, 1), ended=date(2012, 12, 31))
    east, west = f.party(slug="east", name="East"), f.party(slug="west", name="West")
    negotiation.parties.add(east, west)
    issue = f.issue(negotiation=negotiation, key="guarantees")
    soft = f.proposal(negotiation=negotiation, issue=issue, proponent=west, slug="soft")
    hard = f.proposal(negotiation=negotiation, issue=issue, proponent=east, slug="hard")
    scale = Scale.objects.create(issue=issue, title="How binding")
    steps = {
        "step_none": ScaleStep.objects.create(scale=scale, key="none", label="None", position=0),
        "step_soft": ScaleStep.objects.create(scale=scale, key="soft", label="Soft", position=40),
        "step_hard": ScaleStep.objects.create(scale=scale, key="hard", label="Hard", position=100),
    }
    steps["step_soft"].proposals.add(soft)
    steps["step_hard"].proposals.add(hard)
    return {"negotiation": negotiation, "issue": issue, "east": east, "west": west, "soft": soft, "hard": hard, **steps}


def _read(world, as_of=date(2012, 12, 31), **kw) -> dict:
    return selectors.issue_scale(negotiation=world["negotiation"], key="guarantees", as_of=as_of, **kw)


def test_a_party_stands_where_its_supported_proposal_puts_it_and_the_distance_follows(world):
    f.stance(proposal=world["hard"], party=world["east"], effective=date(2012, 2, 1))
    f.stance(proposal=world["soft"], party=world["west"], effective=date(2012, 3, 1))
    f.stance(proposal=world["hard"], party=world["west"], effective=date(2012, 3, 1), stance="opposes")
    # West moves to the hard line in June: the gap closes.
    f.stance(proposal=world["hard"], party=world["west"], effective=date(2012, 6, 1), stance="supports")
    found = _read(world)
    assert _positions(found) == {
        "east": [("2012-02-01", 100, "stance")],
        "west": [("2012-03-01", 40, "stance"), ("2012-06-01", 100, "stance")],
    }
    assert _distance(found) == [("2012-02-01", None), ("2012-03-01", 60), ("2012-06-01", 0)]
    # Read as of May, June has not happened.
    assert _distance(_read(world, as_of=date(2012, 5, 31)))[-1] == ("2012-03-01", 60)


def test_a_party_that_no_longer_supports_leaves_the_scale(world):
    f.stance(proposal=world["soft"], party=world["west"], effective=date(2012, 3, 1))
    f.stance(proposal=world["soft"], party=world["west"], effective=date(2012, 9, 1), stance="opposes")
    assert _positions(_read(world))["west"] == [("2012-03-01", 40, "stance"), ("2012-09-01", None, "stance")]


def test_a_curators_placement_wins_from_its_date_until_a_later_stance(world):
    f.stance(proposal=world["soft"], party=world["west"], effective=date(2012, 3, 1))
    said = f.statement(party=world["west"], said_on=date(2012, 4, 1), review_state="approved")
    placed = scale_position_set(
        party=world["west"], step=world["step_none"], effective=date(2012, 4, 1), evidence=[said]
    )
    assert placed.review_state == "approved" and placed.history.exists()
    f.stance(proposal=world["hard"], party=world["west"], effective=date(2012, 8, 1))
    found = _read(world)
    assert _positions(found)["west"] == [
        ("2012-03-01", 40, "stance"),
        ("2012-04-01", 0, "curator"),
        ("2012-08-01", 100, "stance"),
    ]
    curator_point = found["parties"][0]["points"][1]
    assert curator_point["statement"]["id"] == said.id


def test_unreviewed_stances_count_unless_left_out(world):
    f.stance(proposal=world["soft"], party=world["west"], effective=date(2012, 3, 1), review_state="pending")
    assert _positions(_read(world))["west"] == [("2012-03-01", 40, "stance")]
    assert _read(world, include_pending=False)["parties"] == []


def test_salience_is_the_share_of_the_partys_words_on_the_issue_a_shared_statement_counting_less(world):
    other = f.issue(negotiation=world["negotiation"], key="other")
    only = f.statement(party=world["east"], said_on=date(2012, 5, 3), review_state="approved")
    only.topics.add(world["issue"])
    shared = f.statement(party=world["east"], said_on=date(2012, 5, 20), review_state="approved")
    shared.topics.add(world["issue"], other)
    elsewhere = f.statement(party=world["east"], said_on=date(2012, 5, 21), review_state="approved")
    elsewhere.topics.add(other)
    rejected = f.statement(party=world["east"], said_on=date(2012, 5, 22), review_state="rejected")
    rejected.topics.add(world["issue"])
    rows = {(r["party"]["slug"], r["month"]): r for r in _read(world)["months"]}
    may = rows[("east", "2012-05")]
    assert (may["salience"], may["statements"]) == (50.0, 2)  # (1 + 1/2) of 3 statements
    assert rows[("east", "2012-04")]["salience"] == 0.0
    assert ("west", "2012-05") not in rows  # West never spoke to the issue nor stood on it


def test_an_issue_without_a_scale_has_no_positions_and_an_unknown_one_is_none(world):
    bare = f.issue(negotiation=world["negotiation"], key="bare")
    found = selectors.issue_scale(negotiation=world["negotiation"], key=bare.key, as_of=date(2012, 12, 31))
    assert found["scale"] is None and found["parties"] == []
    assert selectors.issue_scale(negotiation=world["negotiation"], key="nope", as_of=date(2012, 12, 31)) is None


# --- the seed: what the record says ---------------------------------------------------------------


def test_the_guarantees_gap_opened_in_2011_and_never_narrowed_through_2013(seeded):
    negotiation = selectors.negotiation_by_slug(slug=SEED)
    found = selectors.issue_scale(negotiation=negotiation, key="legal-guarantees", as_of=date(2013, 12, 31))
    assert [s["key"] for s in found["scale"]["steps"]] == [
        "none",
        "political-assurances",
        "written-assurances",
        "legally-binding",
    ]
    positions = _positions(found)
    # Rogozin, 18 April 2011: legally binding guarantees; Putin (Dec 2012) and Lavrov (Feb 2013) only restate it.
    assert positions["russia"] == [("2011-04-18", 100, "stance")]
    # Rasmussen at Sochi, 4 July 2011: no legal agreement, a political commitment instead.
    assert positions["nato"] == [("2011-07-04", 33, "stance")]
    # Tauscher, 18 October 2011: no legally binding commitments, but "we are prepared to put it in writing".
    assert positions["united-states"] == [("2011-10-18", 67, "curator")]
    # The distance: none while only Russia is placed, then Russia–NATO, and it never narrows.
    assert _distance(found) == [("2011-04-18", None), ("2011-07-04", 67)]
    assert (found["distance"][-1]["low"], found["distance"][-1]["high"]) == ("nato", "russia")

    rows = {(r["party"]["slug"], r["month"]): r for r in found["months"]}
    for party in ("russia", "nato", "united-states"):
        assert all((party, f"{year}-{month:02d}") in rows for year in range(2010, 2014) for month in range(1, 13))
        assert rows[(party, "2010-06")]["position"] is None  # nobody spoke of guarantees in 2010
    assert [rows[(p, "2013-12")]["position"] for p in ("russia", "nato", "united-states")] == [100, 33, 67]
    assert rows[("russia", "2011-04")]["statements"] == 1 and rows[("russia", "2011-04")]["salience"] > 0


def test_the_architecture_scale_holds_russia_at_one_joint_system_and_nato_at_two(seeded):
    negotiation = selectors.negotiation_by_slug(slug=SEED)
    found = selectors.issue_scale(negotiation=negotiation, key="architecture", as_of=date(2013, 12, 31))
    positions = _positions(found)
    assert positions["russia"] == [("2010-11-20", 100, "stance")]
    assert positions["nato"] == [("2011-01-19", 50, "stance")]
    assert _distance(found)[-1] == ("2011-01-19", 50)


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_tidy_csv_from_the_page_and_the_api_reads_back_with_the_csv_module(client, seeded):
    page = client.get(f"/negotiations/{SEED}/issues/legal-guarantees/positions.csv", {"as_of": "2013-12-31"})
    api = client.get(
        "/api/v1/exports/issue-positions.csv",
        {"negotiation": SEED, "issue": "legal-guarantees", "as_of": "2013-12-31"},
    )
    rows = _csv(page)
    assert rows == _csv(api)
    assert list(rows[0]) == ["negotiation", "issue", "party", "date", "position", "salience", "step", "statements"]
    by = {(r["party"], r["date"]): r for r in rows}
    assert by[("Russia", "2012-06")]["position"] == "100" and by[("Russia", "2012-06")]["step"] == "legally-binding"
    assert by[("NATO", "2012-06")]["position"] == "33"
    assert by[("United States", "2011-10")]["position"] == "67"
    assert by[("United States", "2011-09")]["position"] == ""
    assert {r["date"][:4] for r in rows if r["party"] == "Russia"} >= {"2010", "2011", "2012", "2013"}
    assert all(0 <= float(r["salience"]) <= 100 for r in rows)


def test_the_api_answers_the_scale_and_names_a_bad_issue(client, seeded):
    response = client.get("/api/v1/issue-positions", {"negotiation": SEED, "issue": "legal-guarantees"})
    assert response.status_code == 200
    body = response.json()
    assert body["scale"]["steps"][-1]["proposals"][0]["slug"] in {
        "legally-binding-guarantees",
        "guarantees-by-military-technical-criteria",
    }
    assert body["distance"][-1]["distance"] == 67
    assert client.get("/api/v1/issue-positions", {"negotiation": SEED, "issue": "nope"}).status_code == 404
    assert client.get("/api/v1/issue-positions", {"negotiation": SEED}).status_code == 400


def test_the_seed_check_names_each_problem_of_a_scale(seed_data):
    seed_data["scales"] = [
        {
            "issue": "legal-guarantees",
            "title": "Twice",
            "steps": [
                {"key": "a", "label": "A", "position": 0, "proposals": ["no-such-proposal"]},
                {"key": "a", "label": "B", "position": 101},
            ],
            "positions": [{"party": "Russia", "step": "z", "effective": "2011-01-01", "evidence": []}],
        },
        {"issue": "legal-guarantees", "title": "Again", "steps": []},
    ]
    problems = {str(p) for p in seed_problems(data=seed_data)}
    assert problems == {
        "scales[0].steps[0].proposals[0]: unknown proposal 'no-such-proposal'",
        "scales[0].steps[1].key: step 'a' appears twice",
        "scales[0].steps[1].position: required: a whole number from 0 to 100",
        "scales[0].positions[0].step: unknown step of this scale 'z'",
        "scales[1].issue: scale of issue 'legal-guarantees' appears twice",
        "scales[1].steps: required: a list of at least one step",
    }
