"""Merging duplicate actors and proposals: everything moves, collisions fold, nothing points at the merged row."""

from datetime import date

import pytest
from django.contrib.auth.models import User

from positions.models import Actor, Proposal, Role, Stance, Statement, StatusChange
from positions.services.merge import MergeError, _references_left, actors_merge, proposals_merge
from positions.vocabularies import ReviewState
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return User.objects.create_user("carla")


def test_it_moves_an_actors_names_roles_and_statements(user):
    keep = factories.actor(name="Sergey Lavrov", aliases=["Lavrov"])
    merged = factories.actor(name="Sergei Lavrov", aliases=["S. Lavrov", "Lavrov"], review_state=ReviewState.PENDING)
    russia = factories.party(name="Russia")
    factories.role(actor=keep, party=russia, title="Foreign Minister", start=date(2004, 3, 9), end=date(2010, 12, 31))
    overlapping = factories.role(actor=merged, party=russia, title="Foreign Minister", start=date(2010, 6, 1))
    other_post = factories.role(
        actor=merged, party=russia, title="Ambassador", start=date(1994, 1, 1), end=date(2004, 1, 1)
    )
    said = [factories.statement(speaker=merged, party=russia) for _ in range(2)]

    report = actors_merge(keep=keep, merged=merged, user=user)

    keep.refresh_from_db()
    assert keep.aliases == ["Lavrov", "Sergei Lavrov", "S. Lavrov"]
    assert not Actor.objects.filter(pk=merged.pk).exists()
    assert _references_left(merged) == []
    assert set(Statement.objects.filter(pk__in=[s.pk for s in said]).values_list("speaker", flat=True)) == {keep.pk}
    minister = Role.objects.get(actor=keep, title="Foreign Minister")
    assert (minister.start, minister.end) == (date(2004, 3, 9), None)  # one post, both periods
    assert Role.objects.get(pk=other_post.pk).actor == keep
    assert not Role.objects.filter(pk=overlapping.pk).exists()
    assert report.moved == {"aliases": 2, "roles": 1, "statements": 2}
    assert report.folded == {"roles": 1, "statements": 0}
    record = keep.history.first()
    assert record.history_user == user and "merged actor Sergei Lavrov" in record.history_change_reason
    assert Statement.objects.get(pk=said[0].pk).history.first().history_change_reason.startswith("merged actor")


def test_one_span_said_by_both_names_folds_into_one_statement_with_its_evidence(user):
    keep, merged = factories.actor(), factories.actor()
    document = factories.document(text="Lavrov said the plan was unacceptable.")
    kept = factories.statement(document=document, speaker=keep, review_state=ReviewState.PENDING)
    twin = factories.statement(document=document, speaker=merged, review_state=ReviewState.APPROVED)
    stance = factories.stance()
    stance.evidence.add(twin)

    report = actors_merge(keep=keep, merged=merged, user=user)

    assert report.folded["statements"] == 1
    assert list(Statement.objects.filter(document=document)) == [kept]
    kept.refresh_from_db()
    assert kept.review_state == ReviewState.APPROVED  # the curator's approval of the twin is not lost
    assert list(stance.evidence.all()) == [kept]


def test_it_refuses_to_merge_an_actor_into_itself(user):
    actor = factories.actor()
    with pytest.raises(MergeError):
        actors_merge(keep=actor, merged=actor, user=user)


def test_it_moves_a_proposals_statements_stances_and_status_history(user):
    negotiation = factories.negotiation()
    keep = factories.proposal(negotiation=negotiation, first_stated=date(2011, 1, 1))
    merged = factories.proposal(negotiation=negotiation, first_stated=date(2010, 6, 1))
    russia, nato = factories.party(name="Russia"), factories.party(name="NATO")
    statement = factories.statement(proposal=merged)
    moved_stance = factories.stance(proposal=merged, party=nato, stance="supports")
    kept_stance = factories.stance(proposal=keep, party=russia, stance="opposes", effective=date(2011, 2, 1))
    twin_stance = factories.stance(
        proposal=merged, party=russia, stance="opposes", effective=date(2011, 2, 1), review_state=ReviewState.PENDING
    )
    twin_stance.evidence.add(statement)
    moved_status = factories.status_change(proposal=merged, status="tabled", effective=date(2010, 6, 1))
    kept_status = factories.status_change(proposal=keep, status="stalled", effective=date(2012, 1, 1))
    twin_status = factories.status_change(proposal=merged, status="stalled", effective=date(2012, 1, 1))

    report = proposals_merge(keep=keep, merged=merged, user=user)

    assert not Proposal.objects.filter(pk=merged.pk).exists()
    assert _references_left(merged) == []
    assert Statement.objects.get(pk=statement.pk).proposal == keep
    assert set(Stance.objects.filter(proposal=keep)) == {moved_stance, kept_stance}
    assert set(StatusChange.objects.filter(proposal=keep)) == {moved_status, kept_status}
    assert not Stance.objects.filter(pk=twin_stance.pk).exists()
    assert not StatusChange.objects.filter(pk=twin_status.pk).exists()
    assert list(kept_stance.evidence.all()) == [statement]
    keep.refresh_from_db()
    assert keep.first_stated == date(2010, 6, 1)
    assert report.moved == {"statements": 1, "stances": 1, "status changes": 1}
    assert report.folded == {"stances": 1, "status changes": 1}


def test_proposals_of_different_negotiations_are_not_merged(user):
    keep, merged = factories.proposal(), factories.proposal()
    with pytest.raises(MergeError):
        proposals_merge(keep=keep, merged=merged, user=user)
    assert Proposal.objects.filter(pk=merged.pk).exists()


def test_long_titles_merge_with_a_reason_cut_to_the_audit_trail_s_length(user):
    """A proposal's title may run to 300 characters; the history's change reason holds 100."""
    negotiation = factories.negotiation()
    title = "Legally binding guarantees that the missile defence system in Europe is not directed against Russia's "
    keep = factories.proposal(negotiation=negotiation, title=title + "strategic nuclear forces")
    merged = factories.proposal(negotiation=negotiation, title=title + "deterrent, in writing")
    stance = factories.stance(proposal=merged, party=factories.party(name="Russia"), stance="supports")

    proposals_merge(keep=keep, merged=merged, user=user)

    record = Stance.history.filter(id=stance.pk).latest("history_date")
    assert record.proposal_id == keep.pk
    assert record.history_user == user
    assert len(record.history_change_reason) <= 100
    assert record.history_change_reason.startswith("merged proposal Legally binding")
    assert record.history_change_reason.endswith("…")
