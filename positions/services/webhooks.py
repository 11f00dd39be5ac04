"""Webhooks: subscriptions, one delivery per subscriber and change, and each delivery's signed attempts.

The services that change the public record announce what they changed (`changes_announce`, after the
commit); the `positions.webhook_changes` task makes the deliveries (`deliveries_create`) and
`positions.deliver_webhook` sends each one (`delivery_attempt`) through the ingest's guarded fetcher,
retried with backoff by Celery. docs/webhooks.md is the subscriber's side of it.
"""

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, replace
from datetime import UTC, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from positions import selectors
from positions.ingest.fetch import check_url, post
from positions.ingest.records import FetchError, FetchLimits, UrlRefused
from positions.models import (
    Delivery,
    DeliveryAttempt,
    Negotiation,
    Party,
    Proposal,
    Stance,
    Statement,
    StatusChange,
    Subscription,
)
from positions.pipeline import fetch_limits
from positions.vocabularies import DeliveryState, EventType

SIGNATURE_HEADER = "X-Tracker-Signature"
EVENT_HEADER = "X-Tracker-Event"
DELIVERY_HEADER = "X-Tracker-Delivery"
RESPONSE_BYTES = 16 * 1024  # read of an answer at most; the log keeps WEBHOOK_RESPONSE_EXCERPT characters


class SubscriptionRefused(ValueError):
    """The target cannot be subscribed: not http(s), or not a public address."""


@dataclass(frozen=True)
class Event:
    key: str
    type: str
    data: dict
    negotiations: frozenset[int]
    party: int | None
    proposal: int | None

    def reaches(self, subscription: Subscription) -> bool:
        return (
            subscription.negotiation_id in self.negotiations
            or (subscription.party_id is not None and subscription.party_id == self.party)
            or (subscription.proposal_id is not None and subscription.proposal_id == self.proposal)
        )


# --- subscriptions -----------------------------------------------------------------------------


def webhook_limits() -> FetchLimits:
    """The ingest's limits (and FETCH_ALLOWED_NETWORKS), with a webhook's own time and a small answer."""
    seconds = settings.WEBHOOK_TIMEOUT_SECONDS
    limits = fetch_limits()
    return replace(
        limits,
        connect_timeout=min(limits.connect_timeout, seconds),
        read_timeout=min(limits.read_timeout, seconds),
        total_timeout=seconds,
        max_bytes=RESPONSE_BYTES,
        max_redirects=0,
    )


def target_check(*, url: str) -> None:
    """Refuse a target the fetcher would refuse: the same rules as for a feed (checked again at each delivery,
    since a name may resolve elsewhere later)."""
    try:
        check_url(url, limits=webhook_limits())
    except UrlRefused as exc:
        raise SubscriptionRefused(f"{exc.message}; webhooks are delivered to public addresses only") from exc


@transaction.atomic
def subscription_create(
    *,
    owner,
    target_url: str,
    negotiation: Negotiation | None = None,
    party: Party | None = None,
    proposal: Proposal | None = None,
) -> Subscription:
    """A new active subscription with a fresh secret; raises SubscriptionRefused for a private target."""
    target_check(url=target_url)
    subscription = Subscription(
        owner=owner,
        target_url=target_url.strip(),
        secret=secrets.token_urlsafe(32),
        negotiation=negotiation,
        party=party,
        proposal=proposal,
    )
    subscription._history_user = owner
    subscription._change_reason = "subscribed"
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription, user) -> None:
    subscription._history_user = user
    subscription._change_reason = "unsubscribed"
    subscription.delete()


@transaction.atomic
def subscription_resume(*, subscription: Subscription, user) -> Subscription:
    """Deliver again: new changes from now on (what was cancelled while paused stays cancelled)."""
    subscription.active, subscription.paused_at, subscription.paused_reason = True, None, ""
    subscription.failing_since = None
    subscription._history_user = user
    subscription._change_reason = "resumed"
    subscription.save()
    return subscription


@transaction.atomic
def subscription_pause(*, subscription: Subscription, reason: str, user=None) -> Subscription:
    """Stop delivering; the pending deliveries are cancelled. `reason` is what the owner reads."""
    subscription.active, subscription.paused_at, subscription.paused_reason = False, timezone.now(), reason
    subscription._history_user = user
    subscription._change_reason = "paused"
    subscription.save()
    subscription.deliveries.filter(state=DeliveryState.PENDING).update(
        state=DeliveryState.CANCELLED, finished_at=timezone.now(), claimed_at=None
    )
    return subscription


# --- announcing changes --------------------------------------------------------------------------

_KINDS = {Stance: "stances", StatusChange: "statuses", Statement: "statements"}


def rows_announce(*, model, ids) -> None:
    """`changes_announce` for rows of one model (stances, status changes or statements; others are ignored)."""
    kind = _KINDS.get(model)
    if kind is not None:
        changes_announce(**{kind: ids})


def changes_announce(*, stances=(), statuses=(), statements=()) -> None:
    """Once the transaction commits, have the workers tell the subscribers what these rows changed. Which of
    them is a change is decided then, on the committed data; announcing a row twice delivers it once."""
    ids = (sorted(set(stances)), sorted(set(statuses)), sorted(set(statements)))
    if any(ids):
        transaction.on_commit(lambda: _queue_changes(*ids))


def _queue_changes(stance_ids: list[int], status_ids: list[int], statement_ids: list[int]) -> None:
    if not Subscription.objects.filter(active=True).exists():
        return  # nobody listens: no task
    from positions.tasks import webhook_changes  # the tasks call services: import here, not at the top

    webhook_changes.delay(stance_ids, status_ids, statement_ids)


def deliveries_create(*, stance_ids=(), status_ids=(), statement_ids=()) -> list[int]:
    """One pending delivery per active subscription and change it follows; returns the ids of the deliveries
    still to send. Idempotent: a change already delivered to a subscription (same event key) adds nothing."""
    events = _events(stance_ids=stance_ids, status_ids=status_ids, statement_ids=statement_ids)
    if not events:
        return []
    negotiations = set().union(*(event.negotiations for event in events))
    parties = {event.party for event in events if event.party}
    proposals = {event.proposal for event in events if event.proposal}
    follows = Q(negotiation_id__in=negotiations) | Q(party_id__in=parties) | Q(proposal_id__in=proposals)
    subscriptions = list(Subscription.objects.filter(follows, active=True))
    rows = [
        Delivery(subscription=subscription, event_key=event.key, event_type=event.type, event=event.data)
        for event in events
        for subscription in subscriptions
        if event.reaches(subscription)
    ]
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    keys = {row.event_key for row in rows}
    waiting = Delivery.objects.filter(
        subscription__in=subscriptions, event_key__in=keys, state=DeliveryState.PENDING, attempts=0
    )
    return list(waiting.order_by("pk").values_list("pk", flat=True))


def _events(*, stance_ids, status_ids, statement_ids) -> list[Event]:
    changes = selectors.changes_of_rows(stance_ids=stance_ids, status_ids=status_ids)
    statements = selectors.statements_announced(ids=statement_ids)
    wanted = {change["negotiation"] for change in changes} | {n for s in statements for n in s["negotiations"]}
    slugs = dict(Negotiation.objects.filter(pk__in=wanted).values_list("pk", "slug"))
    events = []
    for change in changes:
        kind = EventType.STANCE if change["type"] == "stance" else EventType.STATUS
        data = {
            "id": change["id"],
            "negotiation": slugs[change["negotiation"]],
            "proposal": change["proposal"],
            "party": change["party"],
            "date": change["date"],
            "value": change["value"],
            "previous": change["previous"],
            "review_state": change["review_state"],
            "note": change["note"],
            "evidence": change["evidence"],
            "recorded_at": change["recorded_at"],
        }
        # The same change told again (a note corrected, evidence added) is not news; a new value, date or
        # review state is.
        identity = [change["type"], change["id"], change["date"], change["value"], change["previous"]]
        identity.append(change["review_state"])
        party = change["party"]["id"] if change["party"] else None
        events.append(
            Event(
                key=f"{kind}:{change['id']}:{_digest(identity)}",
                type=kind,
                data=_plain(data),
                negotiations=frozenset({change["negotiation"]}),
                party=party,
                proposal=change["proposal"]["id"],
            )
        )
    for statement in statements:
        data = {**statement, "negotiations": [slugs[pk] for pk in statement["negotiations"]]}
        events.append(
            Event(
                key=f"{EventType.STATEMENT}:{statement['id']}",
                type=EventType.STATEMENT,
                data=_plain(data),
                negotiations=frozenset(statement["negotiations"]),
                party=statement["party"]["id"] if statement["party"] else None,
                proposal=statement["proposal"]["id"] if statement["proposal"] else None,
            )
        )
    return events


def _plain(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _digest(parts: list) -> str:
    return hashlib.sha256(json.dumps(parts, cls=DjangoJSONEncoder).encode()).hexdigest()[:16]


# --- delivering ----------------------------------------------------------------------------------


def delivery_body(delivery: Delivery) -> bytes:
    """The JSON a delivery POSTs, the same bytes at every attempt."""
    envelope = {
        "delivery": delivery.pk,
        "subscription": delivery.subscription_id,
        "event": delivery.event_key,
        "type": delivery.event_type,
        "created_at": delivery.created_at,
        "data": delivery.event,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")).encode()


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" with the subscription's secret, in hex."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def retry_countdown(retries: int) -> int:
    """Seconds before the next attempt after `retries` retries: doubling from WEBHOOK_RETRY_SECONDS, capped.
    Counted on the delivery's own attempts, so a redelivered task waits as long as the retry it replaces."""
    return min(settings.WEBHOOK_RETRY_SECONDS * 2 ** min(retries, 20), settings.WEBHOOK_RETRY_MAX_SECONDS)


@dataclass(frozen=True)
class _Answer:
    status: int | None
    excerpt: str
    error: str
    refused: bool

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class Attempted:
    """What became of one attempt: "delivered", "retry" (after `retry_in` seconds), "failed" (attempts used
    up, or the target is refused), "paused" (failing for longer than WEBHOOK_PAUSE_AFTER_SECONDS: the
    subscription is paused with its reason), "cancelled" (the subscription is paused) or "skipped" (another
    worker holds it, its time has not come, or it is finished)."""

    outcome: str
    retry_in: int | None = None


def delivery_attempt(*, delivery_id: int) -> Attempted:
    """Send one delivery once and log the attempt."""
    now = timezone.now()
    # The claim: a conditional update, so a redelivered task never sends a delivery another is sending, and
    # a copy of a waiting retry that comes early (the broker redelivered it) leaves it to the retry.
    stale = now - timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 60)
    open_claim = Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=1))
    if not Delivery.objects.filter(open_claim, due, pk=delivery_id, state=DeliveryState.PENDING).update(claimed_at=now):
        return Attempted("skipped")
    delivery = Delivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return Attempted("skipped")  # unsubscribed meanwhile: the delivery went with the subscription
    subscription = delivery.subscription
    if not subscription.active:
        Delivery.objects.filter(pk=delivery_id).update(state=DeliveryState.CANCELLED, finished_at=now, claimed_at=None)
        return Attempted("cancelled")

    started = time.monotonic()
    answer = _send(delivery, subscription)
    duration_ms = round((time.monotonic() - started) * 1000)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        subscription = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
        if delivery is None or subscription is None:
            return Attempted("skipped")  # unsubscribed while it was being sent
        delivery.attempts += 1
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=now,
            status_code=answer.status,
            response_excerpt=answer.excerpt,
            error=answer.error,
            duration_ms=duration_ms,
        )
        outcome = _judge(delivery, subscription, answer, now=now)
        delivery.claimed_at = None
        retry_in = None
        if outcome == "retry":
            retry_in = retry_countdown(delivery.attempts - 1)
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_in)
        else:
            delivery.finished_at = timezone.now()
        delivery.save(update_fields=["attempts", "state", "claimed_at", "finished_at", "next_attempt_at"])
    return Attempted(outcome, retry_in)


STALLED_AFTER = timedelta(minutes=10)


def deliveries_stalled() -> list[int]:
    """Pending deliveries whose task was lost (a worker crash on a broker that does not redeliver): due for
    ten minutes and nobody sending them. Queued again by the beat, they are sent once: the claim and
    `next_attempt_at` stop a late original."""
    now = timezone.now()
    stale_claim = now - timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 60)
    overdue = Q(next_attempt_at__lt=now - STALLED_AFTER) | Q(
        next_attempt_at__isnull=True, created_at__lt=now - STALLED_AFTER
    )
    rows = Delivery.objects.filter(overdue, Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_claim))
    return list(rows.filter(state=DeliveryState.PENDING).order_by("pk").values_list("pk", flat=True)[:1000])


def _send(delivery: Delivery, subscription: Subscription) -> _Answer:
    body = delivery_body(delivery)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(secret=subscription.secret, timestamp=int(time.time()), body=body),
        EVENT_HEADER: delivery.event_type,
        DELIVERY_HEADER: str(delivery.pk),
    }
    try:
        result = post(subscription.target_url, body=body, headers=headers, limits=webhook_limits())
    except UrlRefused as exc:
        return _Answer(status=None, excerpt="", error=exc.message, refused=True)
    except FetchError as exc:
        return _Answer(status=None, excerpt="", error=exc.message, refused=False)
    excerpt = result.body.decode("utf-8", errors="replace")[: settings.WEBHOOK_RESPONSE_EXCERPT]
    error = "" if 200 <= result.status < 300 else f"the receiver answered HTTP {result.status}"
    return _Answer(status=result.status, excerpt=excerpt, error=error, refused=False)


def _judge(delivery: Delivery, subscription: Subscription, answer: _Answer, *, now) -> str:
    if answer.ok:
        delivery.state = DeliveryState.DELIVERED
        if subscription.failing_since is not None:
            # A plain update: a streak's start and end are bookkeeping, not a change of the subscription.
            Subscription.objects.filter(pk=subscription.pk).update(failing_since=None)
        return "delivered"
    failing_since = subscription.failing_since or now
    if subscription.failing_since is None:
        Subscription.objects.filter(pk=subscription.pk).update(failing_since=now)
    window = timedelta(seconds=settings.WEBHOOK_PAUSE_AFTER_SECONDS)
    if now - failing_since >= window:
        delivery.state = DeliveryState.FAILED
        subscription.failing_since = failing_since
        subscription_pause(subscription=subscription, reason=_pause_reason(subscription, answer, since=failing_since))
        return "paused"
    if answer.refused or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
        return "failed"
    return "retry"


def _pause_reason(subscription: Subscription, answer: _Answer, *, since) -> str:
    window = timedelta(seconds=settings.WEBHOOK_PAUSE_AFTER_SECONDS)
    return (
        f"Paused: every delivery to {subscription.target_url} has failed since "
        f"{since.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, longer than the {_duration(window)} allowed; "
        f"the last attempt: {answer.error}. Fix the receiver, then resume the subscription "
        f"(POST /api/v1/subscriptions/{subscription.pk}/resume)."
    )


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
