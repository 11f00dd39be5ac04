"""Who may curate: the Curator group has exactly what curating needs; staff who only read are refused
every review, correction and merge, on the page and on the server; pipeline rows are never deleted."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from positions.models import Stance
from positions.vocabularies import ReviewState
from tests import factories
from tests.admin.conftest import pending_statement

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:positions_statement_changelist")


def test_the_curator_group_holds_exactly_the_curating_permissions(curator_group):
    codenames = set(curator_group.permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_statement", "add_statement", "change_statement",
        "view_stance", "add_stance", "change_stance",
        "view_statuschange", "add_statuschange", "change_statuschange",
        "view_proposalrelation", "add_proposalrelation", "change_proposalrelation",
        "view_deadline", "add_deadline", "change_deadline",
        "view_scale", "add_scale", "change_scale", "view_scalestep", "add_scalestep", "change_scalestep",
        "view_scaleposition", "add_scaleposition", "change_scaleposition",
        "view_actor", "add_actor", "change_actor", "merge_actor",
        "view_role", "add_role", "change_role", "delete_role",
        "view_proposal", "add_proposal", "change_proposal", "merge_proposal",
        "view_party", "change_party", "view_issue", "view_negotiation",
        "view_source", "change_source", "view_document", "add_document", "change_document",
        "view_item", "view_ingestrun",
    }  # fmt: skip
    assert not any(c.startswith("delete_") and c != "delete_role" for c in codenames)


@pytest.mark.parametrize("model", ["deadline", "scale", "scalestep", "scaleposition"])
def test_a_curator_keeps_deadlines_and_scales_and_a_reader_only_reads_them(curator, reader, model):
    add = reverse(f"admin:positions_{model}_add")
    listing = reverse(f"admin:positions_{model}_changelist")
    as_curator, as_reader = Client(), Client()
    as_curator.force_login(curator)
    as_reader.force_login(reader)
    assert as_curator.get(listing).status_code == 200
    assert as_curator.get(add).status_code == 200  # "the curator can set a party's position" (issue 19)
    assert as_reader.get(listing).status_code == 200
    assert as_reader.get(add).status_code == 403


def test_a_reader_sees_the_queue_without_review_buttons_or_actions(reader_client):
    pending_statement()
    response = reader_client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "desk-approve" not in html and "approve_selected" not in html and "reject_selected" not in html
    assert 'name="form-0-kind"' not in html  # no correction in place either


def test_a_reader_is_refused_approving_rejecting_and_correcting(reader_client):
    statement = pending_statement()
    stance = factories.stance(review_state=ReviewState.PENDING)

    assert (
        reader_client.post(reverse("admin:positions_statement_review", args=[statement.pk, "approved"])).status_code
        == 403
    )
    assert reader_client.post(reverse("admin:positions_stance_review", args=[stance.pk, "approved"])).status_code == 403
    reader_client.post(QUEUE, {"action": "approve_selected", "_selected_action": [statement.pk]})
    reader_client.post(
        reverse("admin:positions_stance_changelist"), {"action": "reject_selected", "_selected_action": [stance.pk]}
    )
    change = reader_client.post(reverse("admin:positions_statement_change", args=[statement.pk]), {"kind": "demand"})

    assert change.status_code == 403
    statement.refresh_from_db()
    assert (statement.review_state, statement.kind, statement.corrected) == ("pending", "proposal", False)
    assert Stance.objects.get(pk=stance.pk).review_state == ReviewState.PENDING
    assert statement.history.count() == 2  # made and its machine values recorded by the fixture: nothing since


def test_a_reader_cannot_merge(reader_client):
    keep, other = factories.actor(), factories.actor()
    reader_client.post(
        reverse("admin:positions_actor_changelist"),
        {"action": "merge_selected", "_selected_action": [keep.pk, other.pk], "confirm": "yes", "keep": keep.pk},
    )
    assert {keep.pk, other.pk} <= set(type(keep).objects.values_list("pk", flat=True))


def test_a_curator_sees_review_buttons_and_actions(curator_client):
    pending_statement()
    html = curator_client.get(QUEUE).content.decode()
    assert "desk-approve" in html and "approve_selected" in html and 'name="form-0-kind"' in html


@pytest.mark.parametrize("name", ["statement", "stance", "statuschange", "document", "item", "ingestrun"])
def test_pipeline_rows_cannot_be_deleted_even_by_a_superuser(client, name):
    from positions.models import IngestRun, Item, Source

    client.force_login(User.objects.create_superuser("root", "root@example.org", password=None))
    statement = pending_statement()
    source = Source.objects.create(name="S", kind="feed", url="https://example.org/rss")
    run = IngestRun.objects.create(source=source, trigger="test", started_at="2012-01-01T00:00Z")
    rows = {
        "statement": statement,
        "stance": factories.stance(),
        "statuschange": factories.status_change(),
        "document": statement.document,
        "item": Item.objects.create(source=source, key="k"),
        "ingestrun": run,
    }
    row = rows[name]
    assert client.get(reverse(f"admin:positions_{name}_delete", args=[row.pk])).status_code == 403
    changelist = client.get(reverse(f"admin:positions_{name}_changelist"), {"review": "all"})
    assert "delete_selected" not in changelist.content.decode()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_machine_made_fields_are_read_only_in_the_change_form(curator_client):
    statement = pending_statement()
    form = curator_client.get(reverse("admin:positions_statement_change", args=[statement.pk])).context["adminform"]
    editable = set(form.form.fields)
    assert not editable & {"quote", "start", "end", "document", "extractor_version", "confidence", "review_state"}
    assert editable >= {"speaker", "party", "kind", "topics", "said_on"}
    stance = factories.stance(review_state=ReviewState.PENDING, recorded_via="extractor test-1", confidence=0.4)
    form = curator_client.get(reverse("admin:positions_stance_change", args=[stance.pk])).context["adminform"]
    assert not set(form.form.fields) & {"recorded_via", "recorded_by", "confidence", "review_state"}


def test_pending_machine_actors_are_rejected_not_deleted(curator_client):
    actor = factories.actor(review_state=ReviewState.PENDING)
    assert curator_client.get(reverse("admin:positions_actor_delete", args=[actor.pk])).status_code == 403
    curator_client.post(reverse("admin:positions_actor_review", args=[actor.pk, "rejected"]))
    actor.refresh_from_db()
    assert actor.review_state == ReviewState.REJECTED


def test_the_api_and_the_admin_agree_on_who_curates(curator, reader):
    from positions.api.permissions import is_curator

    assert is_curator(curator) and not is_curator(reader)
