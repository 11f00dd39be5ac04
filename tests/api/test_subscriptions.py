"""/api/v1/subscriptions/: an API user's own webhook subscriptions, refused private targets, the delivery log."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from positions.models import Delivery, Subscription
from positions.services import webhooks
from tests import factories as f
from tests.receiver import Receiver

pytestmark = pytest.mark.django_db
API = "/api/v1/subscriptions"


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


@pytest.fixture
def receiver(settings):
    served = Receiver()
    settings.FETCH_ALLOWED_NETWORKS = [served.network]
    yield served
    served.close()


def token_headers(username: str) -> dict:
    user = User.objects.create_user(username)  # any API user, no curator permission needed
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def attempt(delivery_id: int) -> str:
    """One attempt, its time come: a retry's wait (next_attempt_at) taken as passed."""
    Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())
    return webhooks.delivery_attempt(delivery_id=delivery_id).outcome


def test_anonymous_readers_cannot_subscribe_or_list(client):
    assert client.get(API).status_code == 401
    assert client.post(API, {"target_url": "https://example.org/"}).status_code == 401


def test_a_user_subscribes_sees_the_secret_once_and_only_their_own(client, receiver):
    negotiation = f.negotiation()
    alice, bob = token_headers("alice"), token_headers("bob")

    created = client.post(API, {"target_url": receiver.url(), "negotiation": negotiation.slug}, **alice)

    assert created.status_code == 201, created.json()
    body = created.json()
    stored = Subscription.objects.get(pk=body["id"])
    assert body["secret"] == stored.secret and len(stored.secret) >= 40
    assert (body["follows"], body["negotiation"], body["party"], body["active"], body["paused_reason"]) == (
        "negotiation", negotiation.slug, None, True, "",
    )  # fmt: skip
    listed = client.get(API, **alice).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]] and "secret" not in listed[0]
    assert "secret" not in client.get(f"{API}/{body['id']}", **alice).json()
    assert client.get(API, **bob).json()["results"] == []
    assert client.get(f"{API}/{body['id']}", **bob).status_code == 404
    assert client.delete(f"{API}/{body['id']}", **bob).status_code == 404
    assert client.delete(f"{API}/{body['id']}", **alice).status_code == 204
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://10.0.0.1/hook", "refused: 10.0.0.1 is not a public address"),
        ("http://localhost/hook", "refused: localhost resolves to 127.0.0.1, which is not a public address"),
        ("http://169.254.169.254/", "refused: 169.254.169.254 is not a public address"),
    ],
)
def test_a_private_target_is_refused_with_a_clear_message(client, url, says):
    party = f.party()

    refused = client.post(API, {"target_url": url, "party": party.slug}, **token_headers("alice"))

    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["fields"]["target_url"] == [f"{says}; webhooks are delivered to public addresses only"]
    assert not Subscription.objects.exists()


def test_it_follows_exactly_one_thing(client, receiver):
    headers = token_headers("alice")
    party, proposal = f.party(), f.proposal()

    none = client.post(API, {"target_url": receiver.url()}, **headers)
    two = client.post(API, {"target_url": receiver.url(), "party": party.slug, "proposal": proposal.pk}, **headers)
    one = client.post(API, {"target_url": receiver.url(), "proposal": proposal.pk}, **headers)

    assert (none.status_code, two.status_code, one.status_code) == (400, 400, 201)
    assert "exactly one" in none.json()["error"]["fields"]["non_field_errors"][0]
    assert one.json()["proposal"] == proposal.pk and one.json()["follows"] == "proposal"


def test_the_delivery_log_shows_each_attempt_and_a_pause_is_explained_and_resumed(client, receiver):
    receiver.statuses = [502]
    headers = token_headers("alice")
    russia, proposal = f.party(slug="russia"), f.proposal()
    created = client.post(API, {"target_url": receiver.url(), "party": "russia"}, **headers).json()
    [delivery_id] = webhooks.deliveries_create(stance_ids=[f.stance(party=russia, proposal=proposal).pk])
    assert attempt(delivery_id) == "retry"
    assert attempt(delivery_id) == "delivered"

    log = client.get(f"{API}/{created['id']}/deliveries", **headers).json()

    [delivery] = log["results"]
    assert (delivery["state"], delivery["attempts"], delivery["event_type"]) == ("delivered", 2, "stance.changed")
    assert [(a["number"], a["status_code"], a["response_excerpt"], a["error"]) for a in delivery["attempt_log"]] == [
        (1, 502, "receiver says 502", "the receiver answered HTTP 502"),
        (2, 200, "receiver says 200", ""),
    ]
    assert client.get(f"{API}/{created['id']}/deliveries", **token_headers("bob")).status_code == 404
    # The log's order is its own: a delivery's field named in `ordering` is not looked for on the subscription.
    assert client.get(f"{API}/{created['id']}/deliveries", {"ordering": "attempts"}, **headers).json() == log

    subscription = Subscription.objects.get(pk=created["id"])
    webhooks.subscription_pause(subscription=subscription, reason="Paused: the receiver kept failing.")
    shown = client.get(f"{API}/{created['id']}", **headers).json()
    assert (shown["active"], shown["paused_reason"]) == (False, "Paused: the receiver kept failing.")
    resumed = client.post(f"{API}/{created['id']}/resume", **headers).json()
    assert (resumed["active"], resumed["paused_reason"], resumed["paused_at"]) == (True, "", None)
