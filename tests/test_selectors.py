"""As-of reads at their boundaries: the day before, of and after a change; overlaps; rejected rows."""

from datetime import date, timedelta

import pytest

from positions import selectors
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
