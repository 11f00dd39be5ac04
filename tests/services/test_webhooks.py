"""Webhooks' services: which changes become deliveries and for whom, the signed POST and its log, retries,
pausing a subscriber that keeps failing, and refusing private targets. A real receiver on 127.0.0.1."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from positions import tasks
from positions.models import Delivery, Stance, Statement, Subscription
from positions.services import curation, webhooks
from positions.vocabularies import DeliveryState, EventType, ReviewState
from tests import factories as f
from tests.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return User.objects.create_user("subscriber")


@pytest.fixture
def receiver(settings):
    served = Receiver()
    settings.FETCH_ALLOWED_NETWORKS = [served.network]
    yield served
    served.close()


@pytest.fixture
def world():
    negotiation = f.negotiation()
    nato, russia = f.party(name="NATO", slug="nato"), f.party(name="Russia", slug="russia")
    centres = f.proposal(negotiation=negotiation, title="Joint centres", proponent=nato)
    exercises = f.proposal(negotiation=negotiation, title="Joint exercises", proponent=nato)
    return negotiation, nato, russia, centres, exercises


def subscribe(owner, receiver, **follows) -> Subscription:
    subscription = webhooks.subscription_create(owner=owner, target_url=receiver.url(), **follows)
    receiver.secrets[subscription.pk] = subscription.secret
    return subscription


def attempt(delivery_id: int) -> str:
    """One attempt, its time come: a retry's wait (next_attempt_at) taken as passed."""
    Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())
    return webhooks.delivery_attempt(delivery_id=delivery_id).outcome


def test_it_makes_one_delivery_per_subscriber_and_change_and_none_twice(owner, receiver, world):
    negotiation, nato, russia, centres, exercises = world
    by_negotiation = subscribe(owner, receiver, negotiation=negotiation)
    by_russia = subscribe(owner, receiver, party=russia)
    by_nato = subscribe(owner, receiver, party=nato)
    by_exercises = subscribe(owner, receiver, proposal=exercises)
    stance = f.stance(party=russia, proposal=centres, stance="opposes")
    status = f.status_change(proposal=exercises, status="tabled")

    ids = webhooks.deliveries_create(stance_ids=[stance.pk], status_ids=[status.pk])

    deliveries = Delivery.objects.filter(pk__in=ids)
    assert sorted((d.subscription_id, d.event_type) for d in deliveries) == sorted(
        [
            (by_negotiation.pk, EventType.STANCE),
            (by_russia.pk, EventType.STANCE),
            (by_negotiation.pk, EventType.STATUS),
            (by_exercises.pk, EventType.STATUS),
        ]
    )
    assert not Delivery.objects.filter(subscription=by_nato).exists()
    event = deliveries.get(subscription=by_russia).event
    assert (event["party"]["slug"], event["proposal"]["title"], event["value"], event["previous"]) == (
        "russia", "Joint centres", "opposes", None,
    )  # fmt: skip
    assert event["negotiation"] == negotiation.slug and event["date"] == "2010-01-01"
    assert webhooks.deliveries_create(stance_ids=[stance.pk], status_ids=[status.pk]) == ids  # still to send
    assert Delivery.objects.count() == 4


def test_a_restatement_and_a_rejected_row_are_not_changes(owner, receiver, world):
    negotiation, _nato, russia, centres, _ = world
    subscribe(owner, receiver, negotiation=negotiation)
    first = f.stance(party=russia, proposal=centres, stance="opposes", effective=date(2010, 1, 1))
    again = f.stance(party=russia, proposal=centres, stance="opposes", effective=date(2010, 6, 1))
    turned = f.stance(party=russia, proposal=centres, stance="supports", effective=date(2011, 1, 1))
    rejected = f.stance(
        party=russia, proposal=centres, stance="conditional", effective=date(2012, 1, 1), review_state="rejected"
    )

    webhooks.deliveries_create(stance_ids=[first.pk, again.pk, turned.pk, rejected.pk])

    events = sorted((d.event["id"], d.event["previous"], d.event["value"]) for d in Delivery.objects.all())
    assert events == [(first.pk, None, "opposes"), (turned.pk, "opposes", "supports")]


def test_approving_a_pending_change_is_news_and_correcting_its_note_is_not(owner, receiver, world):
    negotiation, _nato, russia, centres, _ = world
    subscription = subscribe(owner, receiver, negotiation=negotiation)
    stance = f.stance(party=russia, proposal=centres, review_state=ReviewState.PENDING)
    webhooks.deliveries_create(stance_ids=[stance.pk])
    Stance.objects.filter(pk=stance.pk).update(note="Said twice.")
    webhooks.deliveries_create(stance_ids=[stance.pk])
    Stance.objects.filter(pk=stance.pk).update(review_state=ReviewState.APPROVED)
    webhooks.deliveries_create(stance_ids=[stance.pk])

    states = [d.event["review_state"] for d in subscription.deliveries.order_by("pk")]
    assert states == ["pending", "approved"]


def test_a_statement_is_announced_once_approved_to_its_party_and_its_topics_negotiation(owner, receiver, world):
    negotiation, nato, russia, _centres, _ = world
    by_negotiation = subscribe(owner, receiver, negotiation=negotiation)
    by_russia = subscribe(owner, receiver, party=russia)
    subscribe(owner, receiver, party=nato)
    statement = f.statement(party=russia, review_state=ReviewState.PENDING)
    statement.topics.set([f.issue(negotiation=negotiation, key="legal-guarantees")])

    assert webhooks.deliveries_create(statement_ids=[statement.pk]) == []
    Statement.objects.filter(pk=statement.pk).update(review_state=ReviewState.APPROVED)
    webhooks.deliveries_create(statement_ids=[statement.pk])

    deliveries = Delivery.objects.all()
    assert {d.subscription_id for d in deliveries} == {by_negotiation.pk, by_russia.pk}
    event = deliveries.first().event
    assert (event["quote"], event["party"]["slug"], event["topics"]) == (
        statement.quote,
        "russia",
        ["legal-guarantees"],
    )
    assert event["negotiations"] == [negotiation.slug] and deliveries.first().event_type == EventType.STATEMENT


def test_a_delivery_is_signed_posted_and_logged(owner, receiver, world):
    negotiation, _nato, russia, centres, _ = world
    subscription = subscribe(owner, receiver, negotiation=negotiation)
    [delivery_id] = webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=centres).pk])

    assert attempt(delivery_id) == "delivered"

    [received] = receiver.received
    assert received.signature_ok
    assert received.headers["X-Tracker-Event"] == "stance.changed"
    assert received.headers["X-Tracker-Delivery"] == str(delivery_id)
    assert received.json["subscription"] == subscription.pk and received.json["data"]["value"] == "supports"
    delivery = Delivery.objects.get(pk=delivery_id)
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 1)
    [logged] = delivery.attempt_log.all()
    assert (logged.status_code, logged.response_excerpt, logged.error) == (200, "receiver says 200", "")
    assert logged.duration_ms >= 0
    assert attempt(delivery_id) == "skipped"  # sent once, whatever redelivers it
    assert len(receiver.received) == 1


def test_a_wrong_secret_does_not_verify(owner, receiver, world):
    negotiation, _nato, russia, centres, _ = world
    subscription = subscribe(owner, receiver, negotiation=negotiation)
    receiver.secrets[subscription.pk] = "not the secret"
    [delivery_id] = webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=centres).pk])

    attempt(delivery_id)

    assert [r.signature_ok for r in receiver.received] == [False]


def test_a_failure_asks_for_a_retry_until_the_last_attempt(owner, receiver, world, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.then = 503
    negotiation, _nato, russia, centres, _ = world
    subscription = subscribe(owner, receiver, negotiation=negotiation)
    [delivery_id] = webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=centres).pk])

    outcomes = [attempt(delivery_id) for _ in range(3)]

    assert outcomes == ["retry", "retry", "failed"]
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.state == DeliveryState.FAILED
    assert [(a.number, a.status_code, a.error) for a in delivery.attempt_log.all()] == [
        (n, 503, "the receiver answered HTTP 503") for n in (1, 2, 3)
    ]
    subscription.refresh_from_db()
    assert subscription.active and subscription.failing_since is not None


def test_a_retry_waits_its_turn_and_an_early_copy_of_its_task_sends_nothing(owner, receiver, world, settings):
    settings.WEBHOOK_RETRY_SECONDS = 30
    receiver.then = 500
    negotiation, _nato, russia, centres, _ = world
    subscribe(owner, receiver, negotiation=negotiation)
    [delivery_id] = webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=centres).pk])

    first = webhooks.delivery_attempt(delivery_id=delivery_id)
    early = webhooks.delivery_attempt(delivery_id=delivery_id)  # the broker handed the waiting retry out again
    due = attempt(delivery_id)
    second = Delivery.objects.get(pk=delivery_id)

    assert (first.outcome, first.retry_in, early.outcome, due) == ("retry", 30, "skipped", "retry")
    assert second.attempts == 2 and len(receiver.received) == 2
    assert 55 <= (second.next_attempt_at - timezone.now()).total_seconds() <= 60  # then twice as long


def test_a_delivery_of_a_deleted_subscription_is_skipped(owner, receiver, world):
    negotiation, _nato, russia, centres, _ = world
    subscription = subscribe(owner, receiver, negotiation=negotiation)
    [delivery_id] = webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=centres).pk])
    webhooks.subscription_delete(subscription=subscription, user=owner)

    assert webhooks.delivery_attempt(delivery_id=delivery_id).outcome == "skipped"
    assert receiver.received == [] and not Delivery.objects.exists()


def test_a_delivery_whose_task_was_lost_is_found_for_the_beat_to_queue_again(owner, receiver, world):
    negotiation, _nato, russia, centres, exercises = world
    subscribe(owner, receiver, negotiation=negotiation)
    lost, waiting = webhooks.deliveries_create(
        stance_ids=[f.stance(party=russia, proposal=centres).pk, f.stance(party=russia, proposal=exercises).pk]
    )
    long_ago = timezone.now() - timedelta(minutes=11)
    Delivery.objects.filter(pk=lost).update(created_at=long_ago)
    Delivery.objects.filter(pk=waiting).update(
        created_at=long_ago, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert webhooks.deliveries_stalled() == [lost]

    Delivery.objects.filter(pk=lost).update(claimed_at=timezone.now())  # a worker is sending it
    assert webhooks.deliveries_stalled() == []
    Delivery.objects.filter(pk=waiting).update(next_attempt_at=long_ago)  # its retry never came
    assert webhooks.deliveries_stalled() == [waiting]


def test_a_success_ends_the_failing_streak(owner, receiver, world):
    receiver.statuses = [500]
    negotiation, _nato, russia, centres, _ = world
    subscription = subscribe(owner, receiver, negotiation=negotiation)
    [delivery_id] = webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=centres).pk])

    assert attempt(delivery_id) == "retry"
    subscription.refresh_from_db()
    assert subscription.failing_since is not None
    assert attempt(delivery_id) == "delivered"
    subscription.refresh_from_db()
    assert subscription.failing_since is None
    assert [r.answered for r in receiver.received] == [500, 200] and all(r.signature_ok for r in receiver.received)


def test_failing_for_longer_than_the_window_pauses_the_subscriber_with_its_reason(owner, receiver, world, settings):
    settings.WEBHOOK_PAUSE_AFTER_SECONDS = 60
    receiver.then = 500
    negotiation, _nato, russia, centres, exercises = world
    subscription = subscribe(owner, receiver, negotiation=negotiation)
    first, second = webhooks.deliveries_create(
        stance_ids=[f.stance(party=russia, proposal=centres).pk, f.stance(party=russia, proposal=exercises).pk]
    )
    assert attempt(first) == "retry"
    Subscription.objects.filter(pk=subscription.pk).update(failing_since=timezone.now() - timedelta(seconds=61))

    assert attempt(first) == "paused"

    subscription.refresh_from_db()
    assert not subscription.active and subscription.paused_at is not None
    assert subscription.paused_reason.startswith(f"Paused: every delivery to {receiver.url()} has failed since ")
    assert (
        "longer than the 1 minute allowed; the last attempt: the receiver answered HTTP 500"
        in subscription.paused_reason
    )
    assert Delivery.objects.get(pk=first).state == DeliveryState.FAILED
    assert Delivery.objects.get(pk=second).state == DeliveryState.CANCELLED
    assert attempt(second) == "skipped"
    assert len(receiver.received) == 2
    assert subscription.history.first().history_change_reason == "paused"


def test_a_paused_subscription_gets_no_new_deliveries_until_resumed(owner, receiver, world):
    negotiation, _nato, russia, centres, exercises = world
    subscription = subscribe(owner, receiver, negotiation=negotiation)
    webhooks.subscription_pause(subscription=subscription, reason="by hand", user=owner)

    assert webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=centres).pk]) == []
    webhooks.subscription_resume(subscription=subscription, user=owner)
    subscription.refresh_from_db()
    assert (subscription.active, subscription.paused_reason, subscription.paused_at) == (True, "", None)
    assert len(webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=exercises).pk])) == 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/hook", "10.0.0.1 is not a public address"),
        ("http://localhost/hook", "localhost resolves to 127.0.0.1, which is not a public address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is not a public address"),
        ("http://[::1]:8000/", "::1 is not a public address"),
        ("ftp://example.org/", "only http and https URLs are fetched"),
    ],
)
def test_a_private_or_odd_target_is_refused_when_subscribing(owner, world, url, reason):
    with pytest.raises(webhooks.SubscriptionRefused, match=reason):
        webhooks.subscription_create(owner=owner, target_url=url, negotiation=world[0])

    assert not Subscription.objects.exists()


def test_a_target_refused_at_delivery_time_is_never_contacted(owner, receiver, world, settings):
    negotiation, _nato, russia, centres, _ = world
    subscribe(owner, receiver, negotiation=negotiation)
    [delivery_id] = webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=centres).pk])
    settings.FETCH_ALLOWED_NETWORKS = []  # as if the name now resolved to a private address

    assert attempt(delivery_id) == "failed"

    [logged] = Delivery.objects.get(pk=delivery_id).attempt_log.all()
    assert (logged.status_code, logged.error) == (None, "refused: 127.0.0.1 is not a public address")
    assert receiver.received == []


def test_retries_wait_twice_as_long_each_time_up_to_the_cap(settings):
    settings.WEBHOOK_RETRY_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS = 30, 3600
    assert [webhooks.retry_countdown(n) for n in range(9)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_the_signature_is_the_hmac_of_timestamp_dot_body():
    header = webhooks.signature_header(secret="s3cret", timestamp=1700000000, body=b'{"a":1}')
    # python -c 'import hmac,hashlib;print(hmac.new(b"s3cret",b"1700000000.{\"a\":1}",hashlib.sha256).hexdigest())'
    assert header == "t=1700000000,v1=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940"


def test_curators_writes_are_announced_after_the_commit(
    owner, receiver, world, monkeypatch, django_capture_on_commit_callbacks
):
    negotiation, _nato, russia, centres, _ = world
    subscribe(owner, receiver, negotiation=negotiation)
    sent = []
    monkeypatch.setattr(tasks.webhook_changes, "delay", lambda *ids: sent.append(ids))
    curator = User.objects.create_user("curator")

    with django_capture_on_commit_callbacks(execute=True):
        stance = curation.recorded_create(
            model=Stance,
            data={"party": russia, "proposal": centres, "stance": "opposes", "effective": date(2011, 1, 1)},
            user=curator,
        )
    with django_capture_on_commit_callbacks(execute=True):
        curation.review_set(row=stance, state=ReviewState.REJECTED, user=curator)
    with django_capture_on_commit_callbacks(execute=True):
        statement = f.statement(party=russia, review_state=ReviewState.PENDING)
        curation.rows_review(rows=Statement.objects.filter(pk=statement.pk), state="approved", user=curator)

    assert sent == [([stance.pk], [], []), ([stance.pk], [], []), ([], [], [statement.pk])]


def test_beat_looks_for_stalled_deliveries_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stalled-deliveries"]
    assert entry == {"task": "positions.requeue_stalled_deliveries", "schedule": 300.0}
    assert tasks.requeue_stalled_deliveries.name == entry["task"]
