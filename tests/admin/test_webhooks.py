"""Webhooks at the desk: subscriptions with their state and pause reason, resume and pause as actions, and the
delivery log read-only with each attempt."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from positions.models import Delivery, DeliveryAttempt, Subscription
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription():
    owner = User.objects.create_user("subscriber")
    return Subscription.objects.create(
        owner=owner, target_url="https://hooks.example/in", secret="s3cret-not-shown", negotiation=f.negotiation()
    )


def test_a_paused_subscription_shows_why_and_never_its_secret(admin_client, subscription):
    Subscription.objects.filter(pk=subscription.pk).update(
        active=False, paused_at=timezone.now(), paused_reason="Paused: every delivery <b>failed</b>."
    )

    listing = admin_client.get(reverse("admin:positions_subscription_changelist")).content.decode()
    detail = admin_client.get(reverse("admin:positions_subscription_change", args=[subscription.pk])).content.decode()

    assert "paused: Paused: every delivery &lt;b&gt;failed&lt;/b&gt;." in listing
    assert "Paused: every delivery &lt;b&gt;failed&lt;/b&gt;." in detail
    assert "s3cret-not-shown" not in listing + detail


def test_resume_and_pause_are_actions_with_an_audit_trail(admin_client, subscription):
    changelist = reverse("admin:positions_subscription_changelist")

    admin_client.post(changelist, {"action": "pause_selected", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert (subscription.active, subscription.paused_reason) == (False, "Paused by a curator at the desk.")
    admin_client.post(changelist, {"action": "resume_selected", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert (subscription.active, subscription.paused_reason) == (True, "")
    records = subscription.history.order_by("history_id")[1:]  # after the fixture's own
    assert [(h.history_change_reason, h.history_user.username) for h in records] == [
        ("paused", "admin"), ("resumed", "admin"),
    ]  # fmt: skip


def test_a_delivery_shows_its_attempts_and_cannot_be_changed(admin_client, subscription):
    delivery = Delivery.objects.create(
        subscription=subscription, event_key="stance.changed:1:ab", event_type="stance.changed", event={"id": 1}
    )
    DeliveryAttempt.objects.create(
        delivery=delivery, number=1, at=timezone.now(), status_code=503, error="the receiver answered HTTP 503",
        response_excerpt="upstream down", duration_ms=12,
    )  # fmt: skip

    html = admin_client.get(reverse("admin:positions_delivery_change", args=[delivery.pk])).content.decode()

    assert "the receiver answered HTTP 503" in html and "upstream down" in html
    assert 'name="_save"' not in html
    assert admin_client.get(reverse("admin:positions_delivery_add")).status_code == 403
