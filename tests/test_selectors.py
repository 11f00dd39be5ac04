"""As-of reads at their boundaries: the day before, of and after a change; overlaps; rejected rows; runs."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction

from positions import selectors
from positions.models import Party
from positions.vocabularies import ReviewState
from tests import factories as f

pytestmark = pytest.mark.django_db

CHANGE = date(2011, 12, 6)
DAY = timedelta(days=1)


def test_it_shows_a_stance_from_its_day_on_and_not_the_day_before():
    stance = f.stance(effective=CHANGE, stance="opposes")
    args = {"party": stance.party, "proposal": stance.proposal}
    assert selectors.stance_as_of(**args, as_of=CHANGE - DAY) is None
    assert selectors.stance_as_of(**args, as_of=CHANGE) == stance
    assert selectors.stance_as_of(**args, as_of=CHANGE + DAY) == stance


def test_it_switches_to_the_new_stance_on_the_day_it_takes_effect():
    old = f.stance(effective=date(2010, 11, 20), stance="supports")
    new = f.stance(proposal=old.proposal, party=old.party, effective=CHANGE, stance="opposes")
    args = {"party": old.party, "proposal": old.proposal}
    assert selectors.stance_as_of(**args, as_of=CHANGE - DAY).stance == "supports"
    assert selectors.stance_as_of(**args, as_of=CHANGE) == new
    assert selectors.stance_as_of(**args, as_of=CHANGE + DAY) == new


def test_it_never_shows_a_rejected_stance_and_falls_back_to_the_one_before():
    old = f.stance(effective=date(2010, 1, 1), stance="supports")
    f.stance(proposal=old.proposal, party=old.party, effective=CHANGE, stance="opposes", review_state="rejected")
    assert selectors.stance_as_of(party=old.party, proposal=old.proposal, as_of=CHANGE + DAY) == old


def test_it_shows_pending_stances_unless_asked_for_approved_only():
    pending = f.stance(effective=CHANGE, review_state=ReviewState.PENDING)
    args = {"party": pending.party, "proposal": pending.proposal, "as_of": CHANGE}
    assert selectors.stance_as_of(**args) == pending
    assert selectors.stance_as_of(**args, include_pending=False) is None


def test_it_prefers_the_approved_stance_when_two_share_a_day():
    approved = f.stance(effective=CHANGE, stance="opposes", review_state=ReviewState.APPROVED)
    f.stance(
        proposal=approved.proposal, party=approved.party, effective=CHANGE, stance="supports", review_state="pending"
    )
    assert selectors.stance_as_of(party=approved.party, proposal=approved.proposal, as_of=CHANGE) == approved


def test_it_gives_one_stance_per_party_and_proposal_for_a_negotiation():
    proposal = f.proposal()
    nato, russia = f.party(name="NATO", slug="nato"), f.party(name="Russia", slug="russia")
    f.stance(proposal=proposal, party=nato, effective=date(2010, 1, 1), stance="supports")
    f.stance(proposal=proposal, party=russia, effective=date(2010, 1, 1), stance="supports")
    f.stance(proposal=proposal, party=russia, effective=date(2011, 1, 1), stance="opposes")
    f.stance(proposal=proposal, party=russia, effective=date(2012, 1, 1), stance="conditional")
    found = selectors.stances_as_of(negotiation=proposal.negotiation, as_of=date(2011, 6, 1))
    assert {(s.party.name, s.stance) for s in found} == {("NATO", "supports"), ("Russia", "opposes")}


def test_it_shows_a_status_from_its_day_on_and_the_one_before_until_then():
    tabled = f.status_change(effective=date(2010, 11, 20), status="tabled")
    stalled = f.status_change(proposal=tabled.proposal, effective=CHANGE, status="stalled")
    proposal = tabled.proposal
    assert selectors.status_as_of(proposal=proposal, as_of=date(2010, 11, 19)) is None
    assert selectors.status_as_of(proposal=proposal, as_of=CHANGE - DAY) == tabled
    assert selectors.status_as_of(proposal=proposal, as_of=CHANGE) == stalled
    assert selectors.status_as_of(proposal=proposal, as_of=CHANGE + DAY) == stalled


def test_it_never_shows_a_rejected_status():
    tabled = f.status_change(effective=date(2010, 1, 1), status="tabled")
    f.status_change(proposal=tabled.proposal, effective=CHANGE, status="accepted", review_state="rejected")
    assert selectors.status_as_of(proposal=tabled.proposal, as_of=CHANGE) == tabled
    assert [s.status for s in selectors.statuses_as_of(negotiation=tabled.proposal.negotiation, as_of=CHANGE)] == [
        "tabled"
    ]


def test_it_finds_the_party_from_the_role_held_that_day_at_both_ends():
    rasmussen = f.actor(name="Anders Fogh Rasmussen")
    nato = f.party(name="NATO", slug="nato")
    f.role(actor=rasmussen, party=nato, title="Secretary General", start=date(2009, 8, 1), end=date(2014, 9, 30))
    assert selectors.party_for_actor_on(actor=rasmussen, on=date(2009, 7, 31)) is None
    assert selectors.party_for_actor_on(actor=rasmussen, on=date(2009, 8, 1)) == nato
    assert selectors.party_for_actor_on(actor=rasmussen, on=date(2014, 9, 30)) == nato
    assert selectors.party_for_actor_on(actor=rasmussen, on=date(2014, 10, 1)) is None


def test_it_picks_the_role_that_speaks_for_a_party_when_roles_overlap():
    rogozin = f.actor(name="Dmitry Rogozin")
    russia, party_b = f.party(name="Russia", slug="russia"), f.party()
    f.role(actor=rogozin, party=party_b, title="Party leader", start=date(2006, 1, 1), speaks_for_party=False)
    envoy = f.role(actor=rogozin, party=russia, title="Envoy to NATO", start=date(2008, 1, 9), end=date(2011, 12, 23))
    deputy_pm = f.role(actor=rogozin, party=russia, title="Deputy Prime Minister", start=date(2011, 12, 23))
    assert selectors.role_on(actor=rogozin, on=date(2007, 1, 1)).title == "Party leader"
    assert selectors.role_on(actor=rogozin, on=date(2010, 1, 1)) == envoy
    # Both posts held on the hand-over day: the one taken up last.
    assert selectors.role_on(actor=rogozin, on=date(2011, 12, 23)) == deputy_pm
    assert selectors.role_on(actor=rogozin, on=date(2011, 12, 24)) == deputy_pm


def test_it_leaves_out_proposals_not_yet_tabled():
    early = f.proposal(first_stated=date(2009, 9, 17))
    f.proposal(negotiation=early.negotiation, first_stated=date(2011, 12, 6))
    tabled = selectors.proposals_as_of(negotiation=early.negotiation, as_of=date(2010, 6, 1))
    assert list(tabled) == [early]


# --- runs: a stance holds from its first statement until a different one -----------------------


def test_a_restatement_keeps_the_runs_start_and_joins_its_run():
    first = f.stance(effective=date(2010, 1, 1), stance="supports")
    again = f.stance(proposal=first.proposal, party=first.party, effective=CHANGE, stance="supports")
    [found] = selectors.stance_runs_as_of(proposals=[first.proposal], as_of=CHANGE)
    assert (found, found.since, found.run) == (again, date(2010, 1, 1), [first.id, again.id])
    [found] = selectors.stance_runs_as_of(proposals=[first.proposal], as_of=CHANGE - DAY)
    assert (found, found.since, found.run) == (first, date(2010, 1, 1), [first.id])


def test_a_different_stance_starts_a_new_run():
    args = {"proposal": f.proposal(), "party": f.party()}
    f.stance(**args, effective=date(2010, 1, 1), stance="supports")
    f.stance(**args, effective=date(2011, 1, 1), stance="opposes")
    back = f.stance(**args, effective=CHANGE, stance="supports")
    [found] = selectors.stance_runs_as_of(proposals=[args["proposal"]], as_of=CHANGE + DAY)
    assert (found.since, found.run) == (CHANGE, [back.id])


def test_a_same_day_row_not_in_force_does_not_break_a_run():
    first = f.stance(effective=date(2010, 1, 1), stance="supports")
    args = {"proposal": first.proposal, "party": first.party, "effective": CHANGE}
    f.stance(**args, stance="opposes", review_state=ReviewState.PENDING)
    again = f.stance(**args, stance="supports")  # approved: in force that day, before the pending one
    [found] = selectors.stance_runs_as_of(proposals=[first.proposal], as_of=CHANGE)
    assert (found, found.since, found.run) == (again, date(2010, 1, 1), [first.id, again.id])


def test_a_status_run_starts_at_its_first_row():
    tabled = f.status_change(effective=date(2010, 11, 20), status="tabled")
    f.status_change(proposal=tabled.proposal, effective=CHANGE, status="tabled")
    [found] = selectors.status_runs_as_of(proposals=[tabled.proposal], as_of=CHANGE)
    assert (found.status, found.effective, found.since) == ("tabled", CHANGE, date(2010, 11, 20))


def test_the_changes_leave_out_restatements():
    first = f.stance(effective=date(2010, 1, 1), stance="supports")
    args = {"proposal": first.proposal, "party": first.party}
    f.stance(**args, effective=date(2011, 1, 1), stance="supports")
    turned = f.stance(**args, effective=CHANGE, stance="opposes")
    f.status_change(proposal=first.proposal, effective=date(2010, 1, 1), status="tabled")
    f.status_change(proposal=first.proposal, effective=date(2011, 1, 1), status="tabled")
    negotiation = first.proposal.negotiation

    history = selectors.changes_history(negotiation=negotiation)
    assert [(c["type"], c["date"], c["previous"], c["value"]) for c in history] == [
        ("stance", CHANGE, "supports", "opposes"),
        ("status", date(2010, 1, 1), None, "tabled"),  # recorded after the stance: newer
        ("stance", date(2010, 1, 1), None, "supports"),
    ]
    assert history[0]["id"] == turned.id
    changes = selectors.positions_changes(negotiation=negotiation, date_from=date(2010, 6, 1), date_to=CHANGE)
    assert [(c["date"], c["previous"], c["value"]) for c in changes["changes"]] == [(CHANGE, "supports", "opposes")]


def test_a_proposals_history_marks_restatements_with_their_runs_start():
    first = f.stance(effective=date(2010, 1, 1), stance="supports")
    args = {"proposal": first.proposal, "party": first.party}
    again = f.stance(**args, effective=date(2011, 1, 1), stance="supports")
    rejected = f.stance(**args, effective=date(2011, 6, 1), stance="opposes", review_state=ReviewState.REJECTED)
    events = selectors.proposal_history(proposal_id=first.proposal_id, curator=True)["events"]
    assert [(e["id"], e["since"], e["restatement"]) for e in events] == [
        (first.id, date(2010, 1, 1), False),
        (again.id, date(2010, 1, 1), True),
        (rejected.id, None, False),  # never in force
    ]


def test_a_proposals_history_lists_a_stances_own_party_evidence_first():
    stance = f.stance()
    other = f.statement(party=f.party(), said_on=date(2010, 1, 1), review_state=ReviewState.APPROVED)
    own = f.statement(party=stance.party, said_on=date(2010, 2, 1), review_state=ReviewState.APPROVED)
    stance.evidence.add(other, own)
    [event] = selectors.proposal_history(proposal_id=stance.proposal_id)["events"]
    assert [s["id"] for s in event["evidence"]] == [own.id, other.id]


def _planned(cursor) -> list[int]:
    cursor.execute(
        "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
        ["%WITH asked AS%"],
    )
    return [runs for (runs,) in cursor.fetchall()]


def test_the_comparison_is_one_statement_postgresql_plans_once_per_connection(seeded):
    def read():
        return selectors.comparison_read(slug="nato-russia-missile-defence", as_of=CHANGE, today=date.today())

    first = read()
    assert first.as_of == CHANGE and first.proposals and first.cells and first.parties
    for _ in range(3):
        assert read() == first
    with connection.cursor() as cursor:
        assert _planned(cursor) == [4]
    # A rollback: psycopg forgets the statements it prepared (PostgreSQL may have too), and prepares again.
    with pytest.raises(RuntimeError), transaction.atomic():
        Party.objects.filter(slug="nato").update(name="NATO")
        raise RuntimeError("rolled back")
    assert read() == first
    with connection.cursor() as cursor:
        assert _planned(cursor) == [1]
    assert selectors.comparison_read(slug="no-such-negotiation", as_of=CHANGE, today=date.today()) is None
