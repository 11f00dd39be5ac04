"""Deadlines (issue 19, point 2): recorded with their phrase, read as of a date, flagged where students look."""

from datetime import date

import pytest
from lxml import html

from positions import selectors
from positions.models import Deadline, Proposal
from positions.services.deadlines import DeadlineUndated, deadline_record
from positions.services.seed_check import seed_problems
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]

SEED = "nato-russia-missile-defence"


@pytest.fixture
def promised():
    """A proposal tabled on 2012-01-02 with a target date said that day: "within six months" (2012-07-02)."""
    negotiation = f.negotiation(slug="promises", started=date(2012, 1, 1), ended=date(2013, 12, 31))
    party = f.party(slug="east")
    negotiation.parties.add(party)
    proposal = f.proposal(negotiation=negotiation, proponent=party, first_stated=date(2012, 1, 2), slug="the-plan")
    said = f.statement(party=party, said_on=date(2012, 1, 2), review_state="approved")
    f.status_change(proposal=proposal, effective=date(2012, 1, 2), status="tabled").evidence.add(said)
    deadline = deadline_record(proposal=proposal, party=party, phrase="within six months", evidence=[said])
    return proposal, deadline


def _compare_row(client, proposal: Proposal, as_of: str) -> dict:
    response = client.get("/api/v1/compare", {"negotiation": proposal.negotiation.slug, "as_of": as_of})
    assert response.status_code == 200, response.content
    return next(row for row in response.json()["proposals"] if row["id"] == proposal.id)


def _list_row(client, proposal: Proposal, as_of: str) -> dict:
    response = client.get("/api/v1/proposals", {"negotiation": proposal.negotiation.slug, "as_of": as_of})
    assert response.status_code == 200, response.content
    return next(row for row in response.json()["results"] if row["id"] == proposal.id)


def _matrix_flags(client, proposal: Proposal, as_of: str) -> list[str]:
    response = client.get(f"/negotiations/{proposal.negotiation.slug}/matrix/", {"as_of": as_of})
    assert response.status_code == 200
    row = html.fromstring(response.content).xpath(f'//tr[@data-proposal="{proposal.slug}"]')[0]
    return [span.get("data-deadline") for span in row.xpath('.//span[contains(@class, "deadline")]')]


def test_it_reads_the_due_day_from_the_phrase_and_the_day_its_evidence_was_said(promised):
    _, deadline = promised
    assert (deadline.due, deadline.due_precision, deadline.effective) == (date(2012, 7, 2), "day", date(2012, 1, 2))
    assert deadline.review_state == "approved"
    assert deadline.history.earliest().history_change_reason == "entered"  # the audit trail has it


def test_it_is_overdue_the_day_after_it_is_due_and_not_the_day_before_in_the_api_and_the_matrix(client, promised):
    proposal, _ = promised
    for as_of, overdue in (("2012-07-01", False), ("2012-07-02", False), ("2012-07-03", True)):
        row = _compare_row(client, proposal, as_of)
        assert row["overdue"] is overdue, as_of
        assert row["deadlines"][0]["state"] == ("overdue" if overdue else "upcoming")
        assert row["deadlines"][0]["phrase"] == "within six months"
        listed = _list_row(client, proposal, as_of)
        assert listed["overdue"] is overdue and listed["deadlines"][0]["due"] == "2012-07-02", as_of
        assert _matrix_flags(client, proposal, as_of) == ["overdue" if overdue else "upcoming"], as_of
    page = client.get(f"/negotiations/{proposal.negotiation.slug}/matrix/", {"as_of": "2012-07-03"})
    assert "Overdue" in html.fromstring(page.content).xpath('//tr[@data-proposal="the-plan"]/th')[0].text_content()


def test_it_is_not_shown_before_it_was_set(client, promised):
    proposal, _ = promised
    proposal.first_stated = date(2011, 1, 1)
    proposal.save()
    assert _compare_row(client, proposal, "2012-01-01")["deadlines"] == []


def test_an_agreed_proposal_meets_it_and_a_withdrawn_one_closes_it(client, promised):
    proposal, _ = promised
    f.status_change(proposal=proposal, effective=date(2012, 9, 1), status="accepted")
    late = _compare_row(client, proposal, "2012-09-01")
    assert late["overdue"] is False
    assert late["deadlines"][0].items() >= {"state": "met", "late": True, "settled_on": "2012-09-01"}.items()
    assert _compare_row(client, proposal, "2012-08-31")["overdue"] is True
    f.status_change(proposal=proposal, effective=date(2012, 10, 1), status="withdrawn")
    assert _compare_row(client, proposal, "2012-10-01")["deadlines"][0]["state"] == "closed"


def test_a_rejected_deadline_is_never_shown(client, promised):
    proposal, deadline = promised
    Deadline.objects.filter(pk=deadline.pk).update(review_state="rejected")
    assert _compare_row(client, proposal, "2012-08-01").items() >= {"overdue": False, "deadlines": []}.items()


def test_it_needs_a_due_day_when_the_phrase_names_none():
    proposal = f.proposal()
    said = f.statement(said_on=date(2012, 1, 2))
    with pytest.raises(DeadlineUndated):
        deadline_record(proposal=proposal, phrase="before the Chicago summit", evidence=[said])
    given = deadline_record(
        proposal=proposal, phrase="before the Chicago summit", evidence=[said], due=date(2012, 5, 19)
    )
    assert (given.due, given.due_precision) == (date(2012, 5, 19), "day")


def test_the_negotiation_page_lists_missed_and_upcoming_deadlines_as_of_its_date(client, promised):
    proposal, _ = promised
    url = f"/negotiations/{proposal.negotiation.slug}/"
    before = html.fromstring(client.get(url, {"as_of": "2012-07-02"}).content)
    assert before.xpath('//table[@id="deadlines-upcoming"]//tr[@data-proposal="the-plan"]')
    assert not before.xpath('//table[@id="deadlines-missed"]//tr[@data-proposal]')
    after = html.fromstring(client.get(url, {"as_of": "2012-07-03"}).content)
    row = after.xpath('//table[@id="deadlines-missed"]//tr[@data-proposal="the-plan"]')
    assert row and "within six months" in row[0].text_content() and "2012-07-02" in row[0].text_content()
    assert client.get(url, {"as_of": "2012-13-01"}).status_code == 400


# --- the seed -------------------------------------------------------------------------------------


def test_the_seed_holds_the_new_start_deadline_missed_then_met_late(client, seeded):
    negotiation = selectors.negotiation_by_slug(slug=SEED)
    new_start = Proposal.objects.get(negotiation=negotiation, slug="new-start-treaty")
    (deadline,) = new_start.deadlines.all()
    assert (deadline.phrase, deadline.due, deadline.effective) == (
        "by the end of the year",
        date(2009, 12, 31),
        date(2009, 9, 23),
    )
    assert "self-imposed deadline" in deadline.evidence.get().quote
    assert _compare_row(client, new_start, "2009-12-31")["overdue"] is False
    assert _compare_row(client, new_start, "2010-01-01")["overdue"] is True
    signed = _compare_row(client, new_start, "2010-04-08")["deadlines"][0]
    assert (signed["state"], signed["late"]) == ("met", True)
    page = html.fromstring(client.get(f"/negotiations/{SEED}/", {"as_of": "2010-02-01"}).content)
    assert page.xpath('//table[@id="deadlines-missed"]//tr[@data-proposal="new-start-treaty"]')


def test_every_seed_deadline_quotes_its_evidence_and_reads_its_date(seeded):
    expected = {
        ("new-start-treaty", "by the end of the year"): date(2009, 12, 31),
        ("joint-tmd-exercises-2012", "in 2012"): date(2012, 12, 31),
        ("nato-territorial-missile-defence", "by 2015"): date(2015, 12, 31),
        ("nato-territorial-missile-defence", "by 2018"): date(2018, 12, 31),
    }
    found = {(d.proposal.slug, d.phrase): d for d in Deadline.objects.select_related("proposal")}
    assert {key: d.due for key, d in found.items()} == expected
    for (_, phrase), deadline in found.items():
        words = phrase.removeprefix("by ").removeprefix("in ")
        assert any(words in s.quote for s in deadline.evidence.all()), phrase


def test_the_seed_check_names_a_deadline_it_cannot_date(seed_data):
    seed_data["deadlines"] = [
        {"proposal": "new-start-treaty", "phrase": "before the Chicago summit", "evidence": ["obama-2009-09-23-1"]},
        {"proposal": "no-such-proposal", "phrase": "by 2012", "evidence": ["no-such-statement"]},
    ]
    problems = {str(p) for p in seed_problems(data=seed_data)}
    assert "deadlines[0].phrase: no date can be read from 'before the Chicago summit': give `due`" in problems
    assert "deadlines[1].proposal: unknown proposal 'no-such-proposal'" in problems
    assert "deadlines[1].evidence[0]: unknown statement 'no-such-statement'" in problems
