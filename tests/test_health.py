"""/healthz answers 200 when the database and the broker do ("starting" until a worker's first heartbeat),
503 with the failing part otherwise."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_says_starting_until_the_first_worker_heartbeat(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] is True
    assert body["broker"] is True
    assert body["status"] == "starting"
    assert body["worker"] == {"last_heartbeat": None, "recent": False}


def test_it_answers_503_when_the_broker_does_not(client, settings):
    # Nothing listens on port 1: the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body == {**body, "status": "unavailable", "database": True, "broker": False}
    assert "broker" in body["errors"] and "database" not in body["errors"]


def test_it_reports_a_recent_worker_heartbeat(client):
    from positions.services import heartbeat_record

    heartbeat_record(worker="celery@test")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["worker"]["recent"] is True
    assert body["worker"]["last_heartbeat"] is not None


def test_it_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
