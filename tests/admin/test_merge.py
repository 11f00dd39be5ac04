"""Merging in the admin: an action, a confirmation page naming what moves, then the merge service."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from positions.models import Actor, Proposal, Role, Stance, Statement, StatusChange
from tests import factories

pytestmark = pytest.mark.django_db
ACTORS = reverse("admin:positions_actor_changelist")
PROPOSALS = reverse("admin:positions_proposal_changelist")


def references_to(table: str, pk: int) -> int:
    """Rows of any table whose foreign key column to `table` holds `pk`, read from the database's own catalogue."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.contype = 'f' AND c.confrelid = %s::regclass
            """,
            [table],
        )
        found = 0
        for referencing, column in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM {referencing} WHERE "{column}" = %s', [pk])
            found += cursor.fetchone()[0]
    return found


def test_merging_actors_asks_which_to_keep_then_moves_everything(curator_client, curator):
    keep = factories.actor(name="Anders Fogh Rasmussen")
    merged = factories.actor(name="Rasmussen", review_state="pending")
    role = factories.role(actor=merged, title="Secretary General", start=date(2009, 8, 1))
    statement = factories.statement(speaker=merged)
    selected = {"action": "merge_selected", "_selected_action": [keep.pk, merged.pk]}

    confirm = curator_client.post(ACTORS, selected)

    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Merge actors" in html and 'name="keep"' in html and "Rasmussen" in html
    assert Actor.objects.filter(pk=merged.pk).exists()  # nothing happens before the curator confirms

    done = curator_client.post(ACTORS, {**selected, "confirm": "yes", "keep": keep.pk}, follow=True)

    assert "Merged into Anders Fogh Rasmussen: moved 1 aliases, 1 roles, 1 statements." in done.content.decode()
    assert not Actor.objects.filter(pk=merged.pk).exists()
    assert references_to("positions_actor", merged.pk) == 0
    assert Statement.objects.get(pk=statement.pk).speaker == keep
    assert Role.objects.get(pk=role.pk).actor == keep
    assert Actor.objects.get(pk=keep.pk).aliases == ["Rasmussen"]
    history = curator_client.get(reverse("admin:positions_actor_history", args=[keep.pk])).content.decode()
    assert "merged actor Rasmussen" in history and "carla" in history


def test_merging_proposals_moves_statements_stances_and_status_history(curator_client):
    negotiation = factories.negotiation()
    keep = factories.proposal(negotiation=negotiation, title="Two joint centres")
    merged = factories.proposal(negotiation=negotiation, title="Joint data fusion centre")
    statement = factories.statement(proposal=merged)
    stance = factories.stance(proposal=merged)
    status = factories.status_change(proposal=merged)
    selected = {"action": "merge_selected", "_selected_action": [keep.pk, merged.pk]}

    assert "status changes" in curator_client.post(PROPOSALS, selected).content.decode()
    curator_client.post(PROPOSALS, {**selected, "confirm": "yes", "keep": keep.pk})

    assert not Proposal.objects.filter(pk=merged.pk).exists()
    assert references_to("positions_proposal", merged.pk) == 0
    assert Statement.objects.get(pk=statement.pk).proposal == keep
    assert Stance.objects.get(pk=stance.pk).proposal == keep
    assert StatusChange.objects.get(pk=status.pk).proposal == keep


def test_a_failed_merge_changes_nothing(curator_client):
    keep, merged = factories.proposal(), factories.proposal()  # two negotiations: refused
    statement = factories.statement(proposal=merged)
    selected = {"action": "merge_selected", "_selected_action": [keep.pk, merged.pk], "confirm": "yes", "keep": keep.pk}

    response = curator_client.post(PROPOSALS, selected, follow=True)

    assert "Nothing merged: proposals of different negotiations cannot be merged" in response.content.decode()
    assert Proposal.objects.filter(pk=merged.pk).exists()
    assert Statement.objects.get(pk=statement.pk).proposal == merged
