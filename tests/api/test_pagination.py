"""The statement list at scale: counted up to a cap and estimated past it, each page's ids found first."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import SimpleRateThrottle

from positions import selectors
from positions.models import Statement
from tests import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/statements"


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


@pytest.fixture
def thirty(db):
    start = date(2011, 1, 1)
    # Two a day for fifteen days, created out of order: the list sorts them by (said_on, id).
    for n, day in enumerate([*range(14, -1, -1), *range(15)]):
        document = f.document(f"Statement {n}: missile defence day {day}.")
        f.statement(document=document, said_on=start + timedelta(days=day))
    return list(Statement.objects.order_by("said_on", "id").values_list("pk", flat=True))


def test_under_the_cap_the_count_is_exact_and_the_pages_follow_the_order(client, thirty):
    first = client.get(API, {"page_size": 20}).json()
    second = client.get(API, {"page_size": 20, "page": 2}).json()
    assert (first["count"], first["count_exact"], second["count_exact"]) == (30, True, True)
    assert [s["id"] for s in first["results"] + second["results"]] == thirty
    assert first["next"].endswith("page=2&page_size=20") or "page=2" in first["next"]
    assert second["next"] is None and second["previous"] is not None


def test_past_the_cap_the_count_is_postgresql_s_estimate_and_says_so(client, thirty, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE positions_statement")
    body = client.get(API, {"page_size": 20}).json()
    assert body["count_exact"] is False and body["count"] >= 11
    assert [s["id"] for s in body["results"]] == thirty[:20]
    rest = client.get(API, {"page_size": 20, "page": 2}).json()["results"]
    assert [s["id"] for s in rest] == thirty[20:]


def test_a_page_sorts_and_cuts_the_ids_before_joining_anything(client, thirty):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(API, {"page_size": 5, "page": 3}).status_code == 200
    cut = [q["sql"] for q in queries.captured_queries if "LIMIT 5" in q["sql"] and "OFFSET 10" in q["sql"]]
    assert len(cut) == 1, [q["sql"][:120] for q in queries.captured_queries]
    assert "positions_document" not in cut[0] and "JOIN" not in cut[0].upper()


def test_a_search_reads_the_stored_vector(client, thirty):
    with CaptureQueriesContext(connection) as queries:
        found = client.get(API, {"q": '"defence day 7"'}).json()
    assert found["count"] == 2 and all(s["quote"].endswith("missile defence day 7.") for s in found["results"])
    searched = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    assert searched and all('"quote_search" @@' in sql and "to_tsvector" not in sql for sql in searched)
