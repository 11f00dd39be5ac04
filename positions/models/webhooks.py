"""Webhooks: an API user's subscription to the changes of a negotiation, a party or a proposal, the
deliveries made to it (one per subscriber and change) and every attempt at each, with its answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from positions.vocabularies import DeliveryState, EventType, choice_check


class Subscription(models.Model):
    """Follows exactly one negotiation, party or proposal. `active` is off while paused: by its owner, or
    by the tracker when deliveries kept failing (`paused_reason` says why; resuming clears it)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    target_url = models.URLField(max_length=2000, help_text="Where deliveries are POSTed (http or https).")
    secret = models.CharField(max_length=100, help_text="Signs every delivery (HMAC-SHA256).")
    negotiation = models.ForeignKey(
        "positions.Negotiation", on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    party = models.ForeignKey(
        "positions.Party", on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    proposal = models.ForeignKey(
        "positions.Proposal", on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    active = models.BooleanField(default=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.TextField(blank=True)
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="The first failed attempt since the last delivery that went through."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The secret stays out of the audit trail: whoever reads the history need not be able to sign.
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["owner", "created_at", "id"]
        indexes = [models.Index(fields=["active"], name="subscription_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(negotiation__isnull=False, party__isnull=True, proposal__isnull=True)
                    | Q(negotiation__isnull=True, party__isnull=False, proposal__isnull=True)
                    | Q(negotiation__isnull=True, party__isnull=True, proposal__isnull=False)
                ),
                name="subscription_follows_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(active=True) | Q(paused_at__isnull=False), name="subscription_paused_when"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follows_label} → {self.target_url}"

    @property
    def follows_kind(self) -> str:
        return "negotiation" if self.negotiation_id else "party" if self.party_id else "proposal"

    @property
    def follows_label(self) -> str:
        return f"{self.follows_kind} {self.negotiation or self.party or self.proposal}"


class Delivery(models.Model):
    """One change announced to one subscriber: the event as it was when the change was seen, sent until a
    2xx answer, a pause, or the last attempt. `event_key` names the change, so announcing it again adds
    nothing. `claimed_at` is set while a worker is sending it."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event_key = models.CharField(max_length=200)
    event_type = models.CharField(max_length=30, choices=EventType.choices)
    event = models.JSONField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="Not sent before this: a task that comes early (a redelivery) does nothing."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_key"], name="delivery_once_per_event"),
            choice_check("event_type", EventType, "delivery_event_type_valid"),
            choice_check("state", DeliveryState, "delivery_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to subscription {self.subscription_id} ({self.state})"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: what came back (status, the start of the body) or what went wrong, and its time."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField()

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="delivery_attempt_number_unique")]

    def __str__(self) -> str:
        outcome = f"HTTP {self.status_code}" if self.status_code else self.error[:60]
        return f"attempt {self.number} of delivery {self.delivery_id}: {outcome}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
