"""The resource endpoints: visibility, machine fields, write protection, paging, limits, query counts."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from positions.api.urls import router
from positions.models import Document, Stance, Statement
from positions.vocabularies import ReviewState
from tests import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def curator(client):
    user = User.objects.create_superuser("curator", "curator@example.org", password=None)
    client.force_login(user)
    return client


def test_a_rejected_statement_is_hidden_from_the_public_and_shown_to_curators(client, seeded):
    statement = Statement.objects.first()
    Statement.objects.filter(pk=statement.pk).update(review_state=ReviewState.REJECTED)

    assert client.get(f"{API}/statements/{statement.pk}").status_code == 404
    listed = client.get(f"{API}/statements", {"page_size": 100, "document": statement.document_id}).json()
    assert statement.pk not in {row["id"] for row in listed["results"]}
    document = client.get(f"{API}/documents/{statement.document_id}").json()
    assert statement.pk not in {row["id"] for row in document["statements"]}

    error = client.get(f"{API}/statements/{statement.pk}").json()
    assert error["error"]["status"] == 404 and error["error"]["code"] == "not_found"

    user = User.objects.create_superuser("c", "c@example.org", password=None)
    client.force_login(user)
    assert client.get(f"{API}/statements/{statement.pk}").json()["review_state"] == "rejected"


def test_pending_statements_are_shown_and_marked(client, seeded):
    statement = Statement.objects.first()
    Statement.objects.filter(pk=statement.pk).update(review_state=ReviewState.PENDING)
    assert client.get(f"{API}/statements/{statement.pk}").json()["review_state"] == "pending"
    only_pending = client.get(f"{API}/statements", {"review_state": "pending"}).json()
    assert [row["id"] for row in only_pending["results"]] == [statement.pk]


def test_a_statement_says_how_exactly_its_date_is_known_and_a_curator_s_date_is_a_day(client, curator, seeded):
    statement = Statement.objects.first()
    Statement.objects.filter(pk=statement.pk).update(said_precision="month")
    assert client.get(f"{API}/statements/{statement.pk}").json()["said_precision"] == "month"

    patched = curator.patch(
        f"{API}/statements/{statement.pk}",
        {"said_on": "2011-12-05", "said_precision": "year"},  # read-only: the date a curator sets is a day
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert (patched.json()["said_on"], patched.json()["said_precision"]) == ("2011-12-05", "day")


def test_machine_fields_cannot_be_written(curator, seeded):
    document = Document.objects.filter(excerpt=True).first()
    body = {
        "document": document.pk,
        "start": 0,
        "end": 20,
        "mode": "direct",
        "said_on": "2011-12-06",
        "kind": "assessment",
        "party": "nato",
        "topics": ["cooperation"],
        "review_state": "rejected",
        "extractor_version": "forged-1",
        "confidence": 0.01,
    }
    created = curator.post(f"{API}/statements", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    row = Statement.objects.get(pk=created.json()["id"])
    assert (row.review_state, row.extractor_version, row.confidence) == ("approved", "", 1.0)
    assert row.quote == document.text[0:20]

    patched = curator.patch(
        f"{API}/statements/{row.pk}",
        {"review_state": "rejected", "extractor_version": "x", "kind": "appeal"},
        content_type="application/json",
    )
    assert patched.status_code == 200
    row.refresh_from_db()
    assert (row.review_state, row.extractor_version, row.kind) == ("approved", "", "appeal")

    stance = Stance.objects.first()
    curator.patch(
        f"{API}/stances/{stance.pk}",
        {"recorded_via": "forged", "recorded_by": "someone", "review_state": "pending"},
        content_type="application/json",
    )
    stance.refresh_from_db()
    assert (stance.recorded_via, stance.review_state, stance.recorded_by) == ("seed", "approved", None)


def test_a_span_outside_the_text_is_refused_in_the_error_format(curator, seeded):
    document = Document.objects.first()
    body = {"document": document.pk, "start": 5, "end": len(document.text) + 10, "mode": "direct"}
    body |= {"said_on": "2011-12-06", "kind": "assessment", "party": "nato"}
    response = curator.post(f"{API}/statements", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and "end" in error["fields"]


def write_routes() -> list[tuple[str, str]]:
    """Every write route the router serves: (method, url), detail routes with an id."""
    routes = []
    for prefix, viewset, _ in router.registry:
        allowed = set(viewset.http_method_names)
        for route in router.get_routes(viewset):
            for method, action in route.mapping.items():
                if method in {"get", "head", "options"} or method not in allowed or not hasattr(viewset, action):
                    continue
                tail = route.url.split("{lookup}")[-1].replace("{trailing_slash}", "").rstrip("$")
                routes.append((method, f"{API}/{prefix}" + (f"/1{tail}" if "{lookup}" in route.url else "")))
    return routes


def test_every_write_route_refuses_anonymous_users(client, seeded):
    routes = write_routes()
    assert len(routes) >= 12  # create, correct, approve, reject for statements, stances, status changes
    for method, url in routes:
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code == 401, (method, url, response.status_code)
        assert response.json()["error"]["status"] == 401


def test_staff_without_curator_permissions_cannot_review(client, seeded):
    user = User.objects.create_user("staff", password=None, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    client.force_login(user)
    statement = Statement.objects.first()
    assert client.post(f"{API}/statements/{statement.pk}/reject").status_code == 403
    assert Statement.objects.get(pk=statement.pk).review_state == "approved"


def test_curators_approve_and_reject_with_a_token(client, seeded):
    user = User.objects.create_superuser("curator", "c@example.org", password=None)
    token = Token.objects.create(user=user)
    statement = Statement.objects.first()
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.post(f"{API}/statements/{statement.pk}/reject", **headers).json()["review_state"] == "rejected"
    assert client.post(f"{API}/statements/{statement.pk}/approve", **headers).json()["review_state"] == "approved"


def test_the_page_size_is_capped(client, seeded):
    body = client.get(f"{API}/statements", {"page_size": 100000}).json()
    assert len(body["results"]) == 100 and body["count"] == Statement.objects.count()


def test_full_text_search_finds_the_quotes(client, seeded):
    found = client.get(f"{API}/statements", {"q": '"legally binding"', "page_size": 100}).json()["results"]
    # The search's dictionary reads "legally-binding" as the two words too.
    assert found and all("legally binding" in row["quote"].lower().replace("-", " ") for row in found)
    assert client.get(f"{API}/statements", {"q": "zzzyyyxxx"}).json()["count"] == 0


def test_sources_and_runs_are_for_curators_only(client, curator, seeded):
    client.logout()
    assert client.get(f"{API}/sources").status_code == 401
    assert client.get(f"{API}/ingest-runs").status_code == 401
    user = User.objects.create_superuser("c2", "c2@example.org", password=None)
    client.force_login(user)
    assert client.get(f"{API}/sources").json()["count"] == 4


def test_anonymous_readers_are_throttled(client, seeded, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "5/minute", "user": "100/minute"})
    codes = [client.get(f"{API}/parties").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[-1] == 429
    assert client.get(f"{API}/parties").json()["error"]["status"] == 429
    cache.clear()


LISTS = ["negotiations", "issues", "parties", "actors", "proposals", "statements", "stances", "status-changes"]
LISTS += ["documents", "sources", "ingest-runs"]


@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_queries_for_one_row_and_a_hundred(curator, seeded, name):
    counts = []
    for size in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            response = curator.get(f"{API}/{name}", {"page_size": size})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_curators_upload_files_through_the_api(curator, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_DIR = tmp_path
    text = b"Lavrov said Moscow would study the proposal on joint exercises carefully.\n"
    response = curator.post(f"{API}/documents/upload", {"files": [SimpleUploadedFile("lavrov.txt", text)]})
    # Accepted, not read: the worker makes the document (tests/api/test_upload.py runs one).
    assert response.status_code == 202, response.json()
    (item,) = response.json()["items"]
    assert (item["title"], item["state"]) == ("lavrov", "pending") and not Document.objects.exists()
    assert curator.get(item["status_url"]).json()["state"] == "pending"


def test_anonymous_users_cannot_upload(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(f"{API}/documents/upload", {"files": [SimpleUploadedFile("a.txt", b"words")]})
    assert response.status_code == 401 and not Document.objects.exists()


def test_an_upload_that_is_not_multipart_gets_a_documented_415(curator):
    from drf_spectacular.generators import SchemaGenerator

    response = curator.post(f"{API}/documents/upload", {"files": "x"}, content_type="application/json")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type" and not Document.objects.exists()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "415" in schema["paths"]["/api/v1/documents/upload"]["post"]["responses"]


def test_a_proposal_as_of_a_date_gives_each_stance_and_its_status_since_its_runs_start(client, db):
    stance = f.stance(stance="opposes", effective=date(2010, 3, 1))
    f.stance(proposal=stance.proposal, party=stance.party, stance="opposes", effective=date(2011, 6, 1))
    f.status_change(proposal=stance.proposal, status="tabled", effective=date(2010, 1, 1))
    f.status_change(proposal=stance.proposal, status="tabled", effective=date(2011, 6, 1))
    body = client.get(f"{API}/proposals/{stance.proposal_id}", {"as_of": "2011-12-06"}).json()
    assert body["status"]["since"] == "2010-01-01"
    assert [(s["party"]["slug"], s["stance"], s["since"]) for s in body["stances"]] == [
        (stance.party.slug, "opposes", "2010-03-01")
    ]
