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


def test_a_search_under_the_cap_reads_its_matches_once_to_count_and_to_cut_the_page(client, thirty):
    with CaptureQueriesContext(connection) as queries:
        body = client.get(API, {"q": "missile defence", "page_size": 4, "page": 2, "ordering": "-said_on"}).json()
    newest_first = list(Statement.objects.order_by("-said_on", "-id").values_list("pk", flat=True))
    assert (body["count"], body["count_exact"]) == (30, True)
    assert [s["id"] for s in body["results"]] == newest_first[4:8]
    searched = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    # one pass counts and cuts (selectors.counted_page): no separate count, and the page's rows are read by
    # their ids alone (selectors.statement_entries), without matching the search again
    assert len(searched) == 1 and "count(*)" in searched[0] and "LIMIT 4 OFFSET 4" in searched[0], searched
    by_ids = [q["sql"] for q in queries.captured_queries if '"quote" AS' in q["sql"]]
    assert len(by_ids) == 1 and all(str(s["id"]) in by_ids[0] for s in body["results"]), by_ids


def _walk(client, params):
    """Every page of a cursor walk, following `next` as a client does."""
    pages, body = [], client.get(API, {**params, "cursor": ""}).json()
    pages.append(body)
    while body["next"]:
        body = client.get(body["next"]).json()
        pages.append(body)
    return pages


@pytest.mark.parametrize("searched", [False, True], ids=["list", "search"])
@pytest.mark.parametrize("ordering", [None, "-said_on", "confidence", "-id"])
def test_a_cursor_walk_gives_every_row_once_in_the_list_s_order(client, thirty, ordering, searched):
    # the pages by number and the cursor walk agree: both end the ordering with the id, so ties have an order;
    # a search's pages by number are cut from the rows it counted (selectors.counted_page), the walk's are not
    params = {"page_size": 7, **({"ordering": ordering} if ordering else {}), **({"q": "missile"} if searched else {})}
    expected = []
    page = 1
    while True:
        body = client.get(API, {**params, "page": page}).json()
        expected += [s["id"] for s in body["results"]]
        if not body["next"]:
            break
        page += 1
    pages = _walk(client, params)
    walked = [s["id"] for p in pages for s in p["results"]]
    assert walked == expected and sorted(walked) == sorted(thirty)
    assert [len(p["results"]) for p in pages] == [7, 7, 7, 7, 2]
    assert all(p["previous"] is None and p["count"] == 30 and p["count_exact"] for p in pages)


def test_a_cursor_page_starts_after_the_last_row_however_the_list_changed(client, thirty):
    first = client.get(API, {"page_size": 10, "cursor": ""}).json()
    Statement.objects.filter(pk__in=thirty[:5]).delete()  # rows before the cursor go: nothing shifts
    second = client.get(first["next"]).json()
    assert [s["id"] for s in second["results"]] == thirty[10:20]


def test_the_cursor_page_is_found_by_a_keyset_comparison_not_an_offset(client, thirty):
    first = client.get(API, {"page_size": 5, "cursor": ""}).json()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(first["next"]).status_code == 200
    cut = [q["sql"] for q in queries.captured_queries if "LIMIT 6" in q["sql"]]
    assert len(cut) == 1 and "OFFSET" not in cut[0]
    assert '("positions_statement"."said_on", "positions_statement"."id") >' in cut[0]


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not base64 ~~"},
        {"cursor": "WzEsMiwzXQ"},  # [1,2,3]: another ordering's length
        {"cursor": "WyJub3QgYSBkYXkiLDFd"},  # ["not a day",1]
        {"cursor": "", "page": "2"},
    ],
)
def test_a_bad_cursor_is_a_400_that_says_what_to_do(client, thirty, params):
    response = client.get(API, params)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["cursor"] and fields["cursor"][0].startswith(("Not a cursor", "Give `cursor`"))
