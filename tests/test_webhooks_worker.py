"""Issue 19, acceptance 5: webhooks end to end. Curators change the record through the API; a real Celery
worker makes the deliveries and POSTs them, signed, to real receivers on 127.0.0.1 (allowed through
FETCH_ALLOWED_NETWORKS for this test only); a failure is retried, a receiver that keeps failing past the
pause window (3 s here) gets its subscription paused with the reason, and private targets are refused."""

import time

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from positions import tasks
from positions.models import Delivery, Subscription
from positions.vocabularies import DeliveryState, ReviewState
from tests import factories as f
from tests.receiver import Receiver

pytestmark = pytest.mark.worker
API = "/api/v1"
PAUSE_AFTER = 3


@pytest.fixture
def receivers(settings, monkeypatch):
    """Three receivers: one that answers 200, one that fails once then answers 200, one that always fails.
    Asked for before the worker, which takes FETCH_ALLOWED_NETWORKS and the WEBHOOK_ settings from here."""
    served = {"ok": Receiver(), "flaky": Receiver(statuses=(500,)), "down": Receiver(then=500)}
    settings.FETCH_ALLOWED_NETWORKS = [receiver.network for receiver in served.values()]
    monkeypatch.setenv("WEBHOOK_RETRY_SECONDS", "1")
    monkeypatch.setenv("WEBHOOK_PAUSE_AFTER_SECONDS", str(PAUSE_AFTER))
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
    yield served
    for receiver in served.values():
        receiver.close()


@pytest.fixture
def worker(receivers, celery_worker_process, monkeypatch):
    """The real worker, sent the announcements on its own queue (its follow-up tasks stay there too)."""
    queue = celery_worker_process.queue
    monkeypatch.setattr(
        tasks.webhook_changes, "delay", lambda *ids: tasks.webhook_changes.apply_async(ids, queue=queue)
    )
    return celery_worker_process


def token(username: str, *, curator: bool = False) -> dict:
    if curator:
        user = User.objects.create_superuser(username, f"{username}@example.org", password=None)
    else:
        user = User.objects.create_user(username)
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def wait_until(condition, worker, *, seconds: float = 90, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}:\n{worker.output()[-4000:]}")
        time.sleep(0.2)


def test_signed_deliveries_a_retried_failure_a_paused_subscriber_and_a_refused_private_target(
    client, receivers, worker
):
    negotiation = f.negotiation(slug="missile-defence")
    nato = f.party(name="NATO", slug="nato")
    f.party(name="Russia", slug="russia")
    centres = f.proposal(negotiation=negotiation, title="Two joint centres", proponent=nato)
    exercises = f.proposal(negotiation=negotiation, title="Joint exercises", proponent=nato)
    statement = f.statement(party=nato, review_state=ReviewState.PENDING)
    statement.topics.set([f.issue(negotiation=negotiation, key="joint-centres")])
    subscriber, curator = token("subscriber"), token("curator", curator=True)

    def subscribe(receiver: Receiver, **follows) -> dict:
        answer = client.post(f"{API}/subscriptions", {"target_url": receiver.url(), **follows}, **subscriber)
        assert answer.status_code == 201, answer.json()
        receiver.secrets[answer.json()["id"]] = answer.json()["secret"]
        return answer.json()

    everything = subscribe(receivers["ok"], negotiation=negotiation.slug)
    flaky = subscribe(receivers["flaky"], party="russia")
    down = subscribe(receivers["down"], proposal=centres.pk)

    # A private target is refused when subscribing, the allow-list of this test notwithstanding.
    for private in ("http://10.0.0.1/", "http://localhost/", f"http://localhost:{receivers['ok'].port + 1}/"):
        refused = client.post(f"{API}/subscriptions", {"target_url": private, "party": "nato"}, **subscriber)
        assert refused.status_code == 400, private
        assert "is not a public address" in refused.json()["error"]["fields"]["target_url"][0]

    # Three changes by a curator: Russia's stance on the centres, the exercises tabled, NATO's statement approved.
    stance = client.post(
        f"{API}/stances",
        {"proposal": centres.pk, "party": "russia", "stance": "opposes", "effective": "2011-12-06", "evidence": []},
        content_type="application/json",
        **curator,
    )
    assert stance.status_code == 201, stance.json()
    status = client.post(
        f"{API}/status-changes",
        {"proposal": exercises.pk, "status": "tabled", "effective": "2011-06-08", "evidence": []},
        content_type="application/json",
        **curator,
    )
    assert status.status_code == 201, status.json()
    assert client.post(f"{API}/statements/{statement.pk}/approve", **curator).status_code == 200

    # A signed delivery per change to the negotiation's subscriber.
    received = receivers["ok"].wait_for(3)
    assert sorted(r.headers["X-Tracker-Event"] for r in received) == [
        "stance.changed", "statement.approved", "status.changed",
    ]  # fmt: skip
    assert all(r.signature_ok for r in received), [r.headers for r in received]
    by_type = {r.json["type"]: r.json["data"] for r in received}
    assert (by_type["stance.changed"]["party"]["slug"], by_type["stance.changed"]["value"]) == ("russia", "opposes")
    assert by_type["status.changed"]["proposal"]["id"] == exercises.pk
    assert by_type["statement.approved"]["id"] == statement.pk

    # The flaky receiver: 500, then the retry goes through; both attempts are in the log.
    wait_until(
        lambda: Delivery.objects.filter(subscription_id=flaky["id"], state=DeliveryState.DELIVERED).exists(),
        worker,
        what="the flaky receiver's retried delivery",
    )
    assert [(r.answered, r.signature_ok) for r in receivers["flaky"].received] == [(500, True), (200, True)]
    [log] = client.get(f"{API}/subscriptions/{flaky['id']}/deliveries", **subscriber).json()["results"]
    assert [(a["number"], a["status_code"]) for a in log["attempt_log"]] == [(1, 500), (2, 200)]
    assert log["attempt_log"][0]["error"] == "the receiver answered HTTP 500"

    # The receiver that is down: retried with backoff until it has failed for longer than the window, then paused.
    wait_until(
        lambda: not Subscription.objects.get(pk=down["id"]).active,
        worker,
        what="the failing subscriber to be paused",
    )
    shown = client.get(f"{API}/subscriptions/{down['id']}", **subscriber).json()
    assert shown["active"] is False and shown["paused_at"]
    assert shown["paused_reason"].startswith(f"Paused: every delivery to {receivers['down'].url()} has failed since")
    assert (
        "longer than the 3 seconds allowed; the last attempt: the receiver answered HTTP 500" in shown["paused_reason"]
    )
    attempts = receivers["down"].received
    assert len(attempts) >= 2 and all(r.answered == 500 and r.signature_ok for r in attempts)
    [log] = client.get(f"{API}/subscriptions/{down['id']}/deliveries", **subscriber).json()["results"]
    assert log["state"] == "failed" and log["attempts"] == len(attempts)
    assert "positions.deliver_webhook" in worker.output() and "Retry in" in worker.output()

    # Nothing went to anyone twice, and nothing to a subscriber that does not follow the change.
    assert len(receivers["ok"].received) == 3
    assert [r.json["type"] for r in receivers["flaky"].received] == ["stance.changed"] * 2
    assert everything["id"] not in {r.json["subscription"] for r in receivers["down"].received}
