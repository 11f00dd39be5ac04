"""Cached answers: the data version moves with every write the reads could see, and compare, history,
the matrix page and the feeds answer the same request on the same data from the cache, with an ETag
that a client can send back for a 304."""

import gzip
import time
from datetime import date

import psycopg
import pytest
from django.contrib import auth
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import close_old_connections, connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from positions import gzipped, selectors
from positions.api import answers
from positions.api.comparison import CompareQuerySerializer
from positions.api.pagination import LongListPagination
from positions.filters import StatementFilter
from positions.models import DataWrite, Item, Negotiation, Party, Proposal, Stance, Statement
from positions.services import data_writes_compact
from positions.vocabularies import StanceValue
from tests import factories as f

pytestmark = pytest.mark.django_db

SEED = "nato-russia-missile-defence"
# Tables the cached answers do not read: the ingest's bookkeeping, the audit history, the heartbeat,
# the lexicon's version.
UNCOUNTED = {"positions_datawrite", "positions_source", "positions_documentband", "positions_ingestrun"}
UNCOUNTED |= {"positions_item", "positions_workerheartbeat", "positions_lexiconwrite"}
# Webhooks: each user's own subscriptions and their delivery log, read uncached (positions/api/subscriptions.py).
UNCOUNTED |= {"positions_subscription", "positions_delivery", "positions_deliveryattempt"}


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


def test_every_table_the_reads_read_counts_its_writes():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, EXISTS (
                SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'positions_data_write'
            )
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname LIKE 'positions\\_%'
            """
        )
        tables = dict(cursor.fetchall())
    counted = {name for name, has in tables.items() if has}
    missing = set(tables) - counted - UNCOUNTED - {name for name in tables if name.startswith("positions_historical")}
    assert not missing, f"a table without the trigger of migration 0016: {sorted(missing)}"
    assert "positions_stance" in counted and "positions_item" not in counted


def test_the_version_moves_with_every_kind_of_write_and_not_with_the_ingest_bookkeeping():
    negotiation = f.negotiation()
    seen = [selectors.data_version()]

    def moved() -> bool:
        seen.append(selectors.data_version())
        return seen[-1] != seen[-2]

    f.party()
    assert moved(), "an ORM insert"
    Party.objects.filter(pk__gt=0).update(kind="state")
    assert moved(), "a queryset update"
    Negotiation.objects.bulk_create([Negotiation(slug="bulk", title="Bulk")])
    assert moved(), "a bulk insert"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE positions_negotiation SET title = title || '.' WHERE id = %s", [negotiation.pk])
    assert moved(), "raw SQL"
    Negotiation.objects.filter(slug="bulk").delete()
    assert moved(), "a delete"
    Item.objects.filter(pk=0).update(attempts=1)
    assert not moved(), "the ingest's items are not read by the answers"
    assert len(set(seen)) == len(seen) - 1  # never back to an earlier version


@pytest.mark.django_db(transaction=True)
def test_a_write_rolled_back_and_the_commit_after_it_give_two_versions():
    before = selectors.data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        f.party()
        inside = selectors.data_version()
        raise RuntimeError("rolled back")
    assert selectors.data_version() == before
    f.party()
    after = selectors.data_version()
    assert len({before, inside, after}) == 3, "an answer built inside the rolled-back write is never served"


@pytest.mark.django_db(transaction=True)
def test_the_version_is_a_kept_connection_s_health_check(monkeypatch):
    """CONN_HEALTH_CHECKS checks a connection kept from an earlier request with a `SELECT 1` before its first
    query; the version's query, a cached answer's only one, is that check: no round trip of its own."""
    connection.close()  # a connection of its own, with no error an earlier test left on it to recheck
    selectors.data_version()  # as an earlier request leaves it
    checks = []
    wrapper = type(connections["default"])
    is_usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda self: checks.append(1) or is_usable(self))
    close_old_connections()  # a request begins: the kept connection is due for a check
    assert connection.connection is not None and not connection.health_check_done, connection.settings_dict
    selectors.data_version()
    Party.objects.count()
    assert checks == [] and connection.health_check_done


@pytest.mark.django_db(transaction=True)
def test_a_connection_postgresql_dropped_is_replaced_before_the_version_is_read():
    first = selectors.data_version()
    dropped = connection.connection.info.backend_pid
    close_old_connections()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
    assert selectors.data_version() == first
    assert connection.connection.info.backend_pid != dropped


@pytest.mark.django_db(transaction=True)
def test_the_version_read_by_libpq_is_the_one_django_s_cursor_reads(monkeypatch):
    """Outside a transaction and unwatched, the version is read by libpq's own call (selectors.
    _data_version_by_libpq); in a transaction, or with its queries watched, by Django's cursor as before."""
    f.party()
    by_libpq = []
    libpq = selectors._data_version_by_libpq
    monkeypatch.setattr(selectors, "_data_version_by_libpq", lambda db: by_libpq.append(libpq(db)) or by_libpq[-1])
    connection.ensure_connection()
    plain = selectors.data_version()
    with CaptureQueriesContext(connection) as watched:
        seen = selectors.data_version()
    with transaction.atomic():
        inside = selectors.data_version()
    assert by_libpq == [plain] == [seen] == [inside] and plain.count(".") == 1
    assert len(watched.captured_queries) == 1 and "positions_datawrite" in watched.captured_queries[0]["sql"]
    f.party()
    assert selectors.data_version() not in (plain, None) and len(by_libpq) == 2


@pytest.mark.django_db(transaction=True)
def test_a_version_libpq_could_not_read_is_read_by_django_s_cursor(monkeypatch):
    """A failed call (here PostgreSQL dropped the connection) gives way to Django's cursor, which raises as
    usual: the next request's data_version reads it on a new connection."""
    first = selectors.data_version()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    assert selectors._data_version_by_libpq() is None
    close_old_connections()  # the next request
    assert selectors.data_version() == first


@pytest.mark.django_db(transaction=True)
def test_the_version_s_statement_is_prepared_once_per_connection_and_again_when_lost():
    """libpq runs the version's query as a statement prepared on the connection; one lost since (DEALLOCATE, a
    pooler's other server session) is prepared again, and a write still moves what it reads."""

    def prepared() -> list[str]:
        return [row[0] for row in connection.connection.execute("SELECT name FROM pg_prepared_statements")]

    connection.close()
    connection.ensure_connection()
    first = selectors._data_version_by_libpq()
    assert first == selectors.data_version() and prepared() == [selectors.VERSION_STATEMENT.decode()]
    connection.connection.execute("DEALLOCATE ALL")
    assert selectors._data_version_by_libpq() == first and len(prepared()) == 1
    connection.connection._version_prepared = False  # as if made on a connection since replaced: it exists
    assert selectors._data_version_by_libpq() == first and len(prepared()) == 1
    f.party()
    assert selectors._data_version_by_libpq() not in (first, None)


def test_compacting_keeps_the_version_s_count_in_one_row():
    for _ in range(5):
        f.party()
    weight, rows = selectors.data_version().split(".")[0], DataWrite.objects.count()
    assert rows >= 5
    assert data_writes_compact() == rows
    assert DataWrite.objects.count() == 1
    assert selectors.data_version().split(".")[0] == weight
    assert data_writes_compact() == 0  # one row: nothing to fold


def _russia_on_two_systems(client, **headers):
    response = client.get("/api/v1/compare", {"negotiation": SEED, "as_of": "2012-06-01"}, **headers)
    return response, response.json() if response.status_code == 200 else None


def _cell(body: dict, title_part: str, party: str) -> dict:
    row = next(p for p in body["proposals"] if title_part in p["title"])
    return next(c for c in row["cells"] if c["party"] == party)


def test_compare_answers_304_to_its_etag_and_a_new_answer_after_a_change(client, seeded):
    first, body = _russia_on_two_systems(client)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and first["Cache-Control"] == "no-cache"
    cell = _cell(body, "Two separate", "russia")

    again, _ = _russia_on_two_systems(client, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag

    # A curator's change: Russia now supports it, from a day before the date asked.
    proposal = Proposal.objects.get(negotiation__slug=SEED, slug="two-separate-systems")
    Stance.objects.create(
        proposal=proposal, party=Party.objects.get(slug="russia"), stance=StanceValue.SUPPORTS,
        effective=date(2012, 5, 31), review_state="approved",
    )  # fmt: skip
    changed, body = _russia_on_two_systems(client, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert (cell["stance"], _cell(body, "Two separate", "russia")["stance"]) != (None, "supports")
    assert _cell(body, "Two separate", "russia")["stance"] == "supports"


def _reads(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def test_a_cached_compare_costs_no_selector_queries(client, seeded):
    params = {"negotiation": SEED, "as_of": "2011-12-06"}
    with CaptureQueriesContext(connection) as built:
        first = client.get("/api/v1/compare", params)
    with CaptureQueriesContext(connection) as served:
        second = client.get("/api/v1/compare", params)
    assert first.json() == second.json() and first["ETag"] == second["ETag"]
    built, served = _reads(built), _reads(served)
    # Served: the version, and nothing else (the query was checked when the answer was built).
    assert len(served) == 1 and len(built) > 1, served
    assert "positions_datawrite" in served[0]


def test_a_cached_answer_is_the_bytes_and_headers_of_the_one_built(client, seeded, monkeypatch):
    proposal = Proposal.objects.get(negotiation__slug=SEED, slug="two-separate-systems")
    for url, params in [("/api/v1/compare", {"negotiation": SEED}), (f"/api/v1/proposals/{proposal.pk}/history", {})]:
        built = client.get(url, params)
        with monkeypatch.context() as patched:
            # A hit is stored bytes: neither the query's validation nor DRF's rendering runs again.
            patched.setattr(JSONRenderer, "render", lambda *a, **k: pytest.fail("rendered again"))
            patched.setattr(CompareQuerySerializer, "is_valid", lambda *a, **k: pytest.fail("validated again"))
            served = client.get(url, params)
        assert built.status_code == served.status_code == 200
        assert served.content == built.content and served.items() == built.items()
        assert built["Content-Type"] == "application/json" and built["Vary"].startswith("Accept")


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True), ("gzip, deflate, br, zstd", True), ("deflate, GZIP;q=0.5", True), ("x-gzip", True),
        ("*", True), ("br;q=1, *;q=0.1", True), ("", False), ("identity", False), ("br, deflate", False),
        ("gzip;q=0", False), ("gzip; q=0.000", False), ("*, gzip;q=0", False), ("gzip;q=nonsense", False),
    ],
)  # fmt: skip
def test_accept_encoding_is_read_with_its_weights(header, accepted):
    assert gzipped.accepts_gzip(header) is accepted


def test_an_answer_served_again_goes_gzipped_once_compressed(client, answered, monkeypatch):
    """An answer built for the request goes as it is; from the cache, gzipped for a client that accepts it,
    compressed once for every process (the shared cache keeps it), with a weak ETag that either form of the
    request can send back for its 304."""
    url, params = answered["history"]
    accepts = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}
    compressed = []
    compress = gzip.compress
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: compressed.append(1) or compress(*a, **k))

    built = client.get(url, params, **accepts)
    assert built.status_code == 200 and not built.has_header("Content-Encoding") and not compressed
    assert built["ETag"].startswith('W/"') and built["Vary"].startswith("Accept-Encoding")
    served = [client.get(url, params, **accepts) for _ in range(2)]
    selectors.RECENT_ANSWERS.clear()  # another process
    served.append(client.get(url, params, **accepts))
    assert compressed == [1]
    for response in served:
        assert response["Content-Encoding"] == "gzip" and response["ETag"] == built["ETag"]
        assert gzip.decompress(response.content) == built.content
        assert int(response["Content-Length"]) == len(response.content) < len(built.content) / 2

    for refused in ("gzip;q=0", "br", "identity"):
        plain = client.get(url, params, HTTP_ACCEPT_ENCODING=refused)
        assert not plain.has_header("Content-Encoding") and plain.content == built.content
        assert plain["ETag"] == built["ETag"].removeprefix("W/")
    assert client.get(url, params, HTTP_IF_NONE_MATCH=built["ETag"]).status_code == 304
    unchanged = client.get(url, params, HTTP_IF_NONE_MATCH=plain["ETag"], **accepts)
    assert unchanged.status_code == 304 and unchanged["ETag"] == built["ETag"] and unchanged.content == b""
    assert client.get(url, params, HTTP_IF_NONE_MATCH="*").status_code == 304


def test_with_the_answer_cache_off_nothing_is_compressed(client, answered, settings):
    settings.ANSWER_CACHE = False
    url, params = answered["compare"]
    responses = [client.get(url, params, HTTP_ACCEPT_ENCODING="gzip") for _ in range(2)]
    assert [r.status_code for r in responses] == [200, 200] and responses[0].content == responses[1].content
    assert not any(r.has_header("Content-Encoding") for r in responses) and responses[1].json()["proposals"]


def test_a_process_serves_its_recent_answers_without_the_shared_cache(client, seeded, monkeypatch):
    params = {"negotiation": SEED, "as_of": "2012-06-01"}
    built = client.get("/api/v1/compare", params)
    with monkeypatch.context() as patched:
        patched.setattr(selectors.cache, "get", lambda *a, **k: pytest.fail("asked the shared cache"))
        assert client.get("/api/v1/compare", params).content == built.content
    selectors.RECENT_ANSWERS.clear()  # another process: the shared cache's copy, the same bytes
    assert client.get("/api/v1/compare", params).content == built.content
    for n in range(selectors.RECENT_ANSWERS.size + 5):
        selectors.RECENT_ANSWERS.put(f"other:{n}", b"")
    assert len(selectors.RECENT_ANSWERS.entries) == selectors.RECENT_ANSWERS.size


def test_a_known_at_still_to_come_is_another_question_once_it_has_come(client, seeded, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    moment = datetime(2030, 1, 1, 12, tzinfo=UTC)
    params = {"negotiation": SEED, "as_of": "2012-06-01", "known_at": "2030-01-01T12:00Z"}
    monkeypatch.setattr(timezone, "now", lambda: moment - timedelta(hours=1))
    before = client.get("/api/v1/compare", params)
    assert before.status_code == 200 and before.json()["known_at"] is None
    monkeypatch.setattr(timezone, "now", lambda: moment + timedelta(hours=1))
    after = client.get("/api/v1/compare", params)
    assert after["ETag"] != before["ETag"] and after.json()["known_at"] == "2030-01-01T12:00:00Z"


def test_a_write_changes_the_cached_history(client, seeded):
    proposal = Proposal.objects.get(negotiation__slug=SEED, slug="two-separate-systems")
    url = f"/api/v1/proposals/{proposal.pk}/history"
    before = client.get(url)
    assert client.get(url).content == before.content
    Stance.objects.create(
        proposal=proposal, party=Party.objects.get(slug="romania"), stance=StanceValue.AMBIGUOUS,
        effective=date(2012, 5, 31), review_state="approved", note="cache test",
    )  # fmt: skip
    after = client.get(url)
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "cache test" in after.content.decode() and "cache test" not in before.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_each_rendering_is_its_own_answer(client, seeded):
    params = {"negotiation": SEED, "as_of": "2012-06-01"}
    compact = client.get("/api/v1/compare", params)
    indented = client.get("/api/v1/compare", params, HTTP_ACCEPT="application/json; indent=4")
    assert indented["ETag"] != compact["ETag"] and indented.json() == compact.json()
    assert b'\n    "negotiation"' in indented.content and b"\n" not in compact.content
    page = client.get("/api/v1/compare", {**params, "format": "api"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert client.get("/api/v1/compare", params).content == compact.content


def test_a_failed_query_in_a_read_leaves_the_caller_s_transaction_usable(client, seeded):
    """The answer views run outside the request's transaction: the 400 of a query PostgreSQL refuses (a
    NUL character) must not leave a transaction around the request (here the test's) aborted or marked."""
    bad = client.get("/api/v1/compare", {"negotiation": "nato\x00"})
    assert bad.status_code == 400, bad.content
    assert client.get("/api/v1/proposals/99999999999999999999/history").status_code in (400, 404)
    assert Negotiation.objects.filter(slug=SEED).exists()
    assert client.get("/api/v1/compare", {"negotiation": SEED}).status_code == 200


def test_with_the_answer_cache_off_every_answer_is_built_and_its_etag_kept(client, seeded, settings):
    """The benchmark's cold rows (bench/settings.py)."""
    settings.ANSWER_CACHE = False
    params = {"negotiation": SEED, "as_of": "2011-12-06"}
    first = client.get("/api/v1/compare", params)
    with CaptureQueriesContext(connection) as again:
        second = client.get("/api/v1/compare", params)
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert any("positions_stance" in sql for sql in _reads(again))
    assert client.get("/api/v1/compare", params, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_etag_names_the_format_the_question_and_who_asks(client, seeded):
    proposal = Proposal.objects.get(negotiation__slug=SEED, slug="two-separate-systems")
    url = f"/api/v1/proposals/{proposal.pk}/history"
    public = client.get(url)["ETag"]
    assert client.get(url, {"format": "api"})["ETag"] != public
    assert client.get("/api/v1/compare", {"negotiation": SEED, "as_of": "2011-12-06"})["ETag"] != public
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    assert client.get(url)["ETag"] != public  # curators see rejected rows
    client.logout()
    assert client.get(url)["ETag"] == public


def test_a_bad_request_is_never_cached(client, seeded):
    bad = client.get("/api/v1/compare", {"negotiation": SEED, "as_of": "06/12/2011"})
    assert bad.status_code == 400 and not bad.has_header("ETag")
    assert client.get("/api/v1/proposals/999999/history").status_code == 404


@pytest.mark.parametrize("path", ["/negotiations/{slug}/matrix/?as_of=2012-06-01", "/negotiations/{slug}/feed.atom"])
def test_a_page_answers_304_to_its_etag_and_shows_a_change_at_once(client, seeded, path):
    url = path.format(slug=SEED)
    first = client.get(url)
    assert first.status_code == 200 and first.has_header("ETag")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url)["Content-Type"] == first["Content-Type"]

    proposal = Proposal.objects.get(negotiation__slug=SEED, slug="two-separate-systems")
    Stance.objects.create(
        proposal=proposal, party=Party.objects.get(slug="romania"), stance=StanceValue.AMBIGUOUS,
        effective=date(2012, 5, 31), review_state="approved", note="cache test",
    )  # fmt: skip
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert after.content != first.content


@pytest.mark.parametrize(
    "path", ["/negotiations/{slug}/matrix/?as_of=2012-06-01", "/negotiations/{slug}/feed.atom", "/codebook/"]
)
def test_a_page_served_again_goes_gzipped_to_a_browser_that_accepts_it(client, seeded, path):
    url, accepts = path.format(slug=SEED), {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
    built = client.get(url, **accepts)  # built for this request: as it is
    assert built.status_code == 200 and not built.has_header("Content-Encoding")
    assert built["ETag"].startswith('W/"') and "Accept-Encoding" in built["Vary"]
    served = client.get(url, **accepts)
    assert served["Content-Encoding"] == "gzip" and gzip.decompress(served.content) == built.content
    assert served["Content-Type"] == built["Content-Type"] and served["ETag"] == built["ETag"]
    assert len(served.content) < len(built.content) / 2
    plain = client.get(url)
    assert plain.content == built.content and not plain.has_header("Content-Encoding")
    assert plain["ETag"] == built["ETag"].removeprefix("W/") and "Accept-Encoding" in plain["Vary"]
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"], **accepts).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=built["ETag"]).status_code == 304


def test_beat_folds_the_counts_every_hour(settings):
    from positions.tasks import compact_data_writes

    entry = settings.CELERY_BEAT_SCHEDULE["compact-data-writes"]
    assert entry == {"task": compact_data_writes.name, "schedule": 3600.0}


# --- the statement list and search: cached answers too ------------------------------------------

LIST = "/api/v1/statements"


@pytest.fixture
def said(db) -> list[Statement]:
    """Six statements on six days, one of them rejected by a curator."""
    rows = [
        f.statement(document=f.document(f"Day {n}: the missile defence plan was fine."), said_on=date(2011, 1, 1 + n))
        for n in range(6)
    ]
    Statement.objects.filter(pk=rows[3].pk).update(review_state="rejected")
    return rows


def _curator(client):
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    return client


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_a_cached_list_is_the_bytes_and_headers_of_the_one_built(client, said, monkeypatch):
    for params in [{"page_size": 2}, {"q": "missile defence", "page": 2, "page_size": 2}, {"cursor": ""}]:
        built = client.get(LIST, params)
        with monkeypatch.context() as patched, CaptureQueriesContext(connection) as served_queries:
            # A hit is stored bytes: neither the filters, the paginator nor DRF's rendering run again.
            patched.setattr(JSONRenderer, "render", lambda *a, **k: pytest.fail("rendered again"))
            patched.setattr(StatementFilter, "is_valid", lambda *a, **k: pytest.fail("filtered again"))
            patched.setattr(LongListPagination, "paginate_queryset", lambda *a, **k: pytest.fail("paged again"))
            # nor is the list's queryset built (DRF's permission check built it only to learn the model)
            patched.setattr(selectors, "statements_visible", lambda **k: pytest.fail("queryset built"))
            served = client.get(LIST, params)
        assert built.status_code == served.status_code == 200, built.content
        assert served.content == built.content and served.items() == built.items()
        assert built["ETag"].startswith('"') and built["Cache-Control"] == "no-cache"
        served_sql = _reads(served_queries)
        assert len(served_sql) == 1 and "positions_datawrite" in served_sql[0], served_sql
        assert client.get(LIST, params, HTTP_IF_NONE_MATCH=built["ETag"]).status_code == 304


def test_a_curator_s_correction_changes_the_next_list_and_is_not_cached(client, said):
    params = {"q": "missile", "page_size": 10}
    before = client.get(LIST, params)
    assert client.get(LIST, params).content == before.content
    curator = _curator(Client())
    corrected = curator.patch(f"{LIST}/{said[0].pk}", {"kind": "appeal"}, content_type="application/json")
    assert corrected.status_code == 200 and not corrected.has_header("ETag")
    after = client.get(LIST, params, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    kinds = {row["id"]: row["kind"] for row in after.json()["results"]}
    assert kinds[said[0].pk] == "appeal"
    assert {row["id"]: row["kind"] for row in before.json()["results"]}[said[0].pk] == "assessment"


def test_a_write_to_the_list_runs_in_one_transaction_and_a_read_of_it_outside_one(client, said, monkeypatch):
    """ATOMIC_REQUESTS gave every request on the list's route one transaction; a cached page needs none (its
    one query is the data version's), so the route is no longer atomic as a whole and its writes take one."""
    from positions.api.views import StatementViewSet

    outside = len(connection.atomic_blocks)
    depths = {"write": [], "version": []}
    perform_write, data_version = StatementViewSet.perform_write, selectors.data_version

    def write(self, statement, data):
        depths["write"].append(len(connection.atomic_blocks))
        return perform_write(self, statement, data)

    def version():
        depths["version"].append(len(connection.atomic_blocks))
        return data_version()

    monkeypatch.setattr(StatementViewSet, "perform_write", write)
    monkeypatch.setattr(selectors, "data_version", version)
    curator = _curator(client)
    assert curator.patch(f"{LIST}/{said[0].pk}", {"kind": "appeal"}, content_type="application/json").status_code == 200
    assert curator.get(LIST).status_code == 200
    assert depths == {"write": [outside + 1], "version": [outside]}


def test_a_cursor_walk_through_cached_pages(client, said):
    def walk() -> list:
        pages = [client.get(LIST, {"page_size": 2, "cursor": ""})]
        while pages[-1].json()["next"]:
            pages.append(client.get(pages[-1].json()["next"]))
        return pages

    first = walk()
    public = list(
        Statement.objects.exclude(review_state="rejected").order_by("said_on", "id").values_list("pk", flat=True)
    )
    assert [pk for page in first for pk in _ids(page)] == public and len(first) == 3
    again = walk()  # every page a hit: the same bytes, the same links
    assert [page.content for page in again] == [page.content for page in first]


@pytest.mark.parametrize("curator_first", [False, True])
def test_a_curator_and_the_public_never_get_each_other_s_list(client, said, curator_first):
    rejected = said[3].pk
    curator = _curator(Client())
    readers = [curator, client] if curator_first else [client, curator]
    answers = {id(reader): reader.get(LIST, {"page_size": 10}) for reader in readers}
    public, curated = answers[id(client)], answers[id(curator)]
    assert rejected in _ids(curated) and rejected not in _ids(public)
    assert public["ETag"] != curated["ETag"]
    assert client.get(LIST, {"page_size": 10}, HTTP_IF_NONE_MATCH=curated["ETag"]).status_code == 200
    assert rejected not in _ids(client.get(LIST, {"page_size": 10}))
    assert rejected in _ids(curator.get(LIST, {"page_size": 10}))


def test_the_list_is_named_by_the_url_its_links_hold(client, said):
    plain = client.get(LIST, {"page_size": 2})
    for other in [
        client.get(LIST, {"page_size": 2}, HTTP_HOST="localhost"),
        client.get(LIST + "/", {"page_size": 2}),
        client.get(LIST, {"page_size": 2}, secure=True),
    ]:
        assert other.status_code == 200 and other["ETag"] != plain["ETag"]
        assert other.json()["next"] != plain.json()["next"] and other.json()["results"] == plain.json()["results"]
    assert client.get(LIST, {"page_size": 2})["ETag"] == plain["ETag"]


@pytest.mark.parametrize("params", [{"said_from": "06/12/2011"}, {"party": "nobody"}, {"cursor": "~~"}, {"page": 99}])
def test_a_refused_list_is_never_cached(client, said, params, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(selectors.cache, "set", lambda *a, **k: pytest.fail("cached"))
        for _ in range(2):
            refused = client.get(LIST, params)
            assert refused.status_code in (400, 404) and not refused.has_header("ETag"), refused.content
    assert not selectors.RECENT_ANSWERS.entries


def test_the_list_s_browsable_page_is_drawn_for_each_request(client, said):
    page = client.get(LIST, {"page_size": 2, "format": "api"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html") and page.has_header("ETag")
    assert client.get(LIST, {"page_size": 2, "format": "api"}).content.count(b'class="pagination') >= 1
    assert client.get(LIST, {"page_size": 2, "format": "api"}, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304


# --- the lean path: answers.served_plainly ---------------------------------------------------------


@pytest.fixture
def answered(seeded, said) -> dict:
    """The benchmark's four cached answers: compare, a proposal's history, the statement list and a search."""
    proposal = Proposal.objects.get(negotiation__slug=SEED, slug="two-separate-systems")
    return {
        "compare": ("/api/v1/compare", {"negotiation": SEED, "as_of": "2012-06-01"}),
        "history": (f"/api/v1/proposals/{proposal.pk}/history", {}),
        "list": (LIST, {"page_size": 2}),
        "search": (LIST, {"q": "missile defence", "page_size": 2}),
    }


def _by_drf(client, monkeypatch, url, params, **headers):
    with monkeypatch.context() as patched:
        patched.setattr(answers, "_plain", lambda request, kwargs: False)
        return client.get(url, params, **headers)


def _plainly(client, monkeypatch, url, params, **headers):
    with monkeypatch.context() as patched:
        patched.setattr(APIView, "dispatch", lambda *a, **k: pytest.fail("served by DRF"))
        return client.get(url, params, **headers)


@pytest.mark.parametrize("name", ["compare", "history", "list", "search"])
def test_the_lean_path_and_drf_serve_each_other_s_answers_byte_for_byte(client, answered, monkeypatch, name):
    url, params = answered[name]
    built = _by_drf(client, monkeypatch, url, params)
    assert built.status_code == 200 and built["Vary"] == "Accept-Encoding, Accept, Cookie" and built.has_header("Allow")
    served = [_plainly(client, monkeypatch, url, params)]  # DRF's build, the lean path's hit

    cache.clear()
    selectors.RECENT_ANSWERS.clear()
    served.append(client.get(url, params))  # a miss on the lean path: DRF builds it
    with monkeypatch.context() as patched:
        patched.setattr(JSONRenderer, "render", lambda *a, **k: pytest.fail("rendered again"))
        served.append(_by_drf(client, monkeypatch, url, params))  # the lean path's build, DRF's hit
        served.append(_plainly(client, monkeypatch, url, params))
    for response in served:
        assert response.status_code == 200 and response.content == built.content
        assert dict(response.items()) == dict(built.items())

    etag = {"HTTP_IF_NONE_MATCH": built["ETag"]}
    lean, drf = _plainly(client, monkeypatch, url, params, **etag), _by_drf(client, monkeypatch, url, params, **etag)
    assert lean.status_code == drf.status_code == 304 and lean.content == drf.content == b""
    assert dict(lean.items()) == dict(drf.items()) and not lean.has_header("Content-Type")

    gzipped = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}
    lean, drf = (
        _plainly(client, monkeypatch, url, params, **gzipped),
        _by_drf(client, monkeypatch, url, params, **gzipped),
    )
    assert lean.content == drf.content and dict(lean.items()) == dict(drf.items())
    assert lean["Content-Encoding"] == "gzip" and gzip.decompress(lean.content) == built.content
    assert lean["ETag"] == f"W/{built['ETag']}" and lean["Content-Type"] == built["Content-Type"]


def test_the_lean_path_reads_the_version_at_every_request(client, answered, monkeypatch):
    url, params = answered["history"]
    before = client.get(url, params)
    Stance.objects.create(
        proposal=Proposal.objects.get(negotiation__slug=SEED, slug="two-separate-systems"),
        party=Party.objects.get(slug="romania"), stance=StanceValue.AMBIGUOUS, effective=date(2012, 5, 31),
        review_state="approved", note="lean path test",
    )  # fmt: skip
    after = client.get(url, params)  # a miss: built by DRF
    assert after["ETag"] != before["ETag"] and b"lean path test" in after.content
    assert _plainly(client, monkeypatch, url, params).content == after.content
    assert _plainly(client, monkeypatch, url, params, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


@pytest.mark.parametrize("name", ["compare", "list"])
def test_the_lean_path_counts_each_request_once_and_refuses_with_429(client, answered, monkeypatch, name):
    """The first request is a miss (counted on the lean path, built by DRF without a second count), the second
    a hit; the third is over the limit: the lean path hands it to DRF, which answers its 429."""
    url, params = answered[name]
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": None})
    assert client.get(url, params).status_code == 200
    assert _plainly(client, monkeypatch, url, params).status_code == 200
    refused = client.get(url, params)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "throttled"
    assert client.get(url, params, HTTP_IF_NONE_MATCH=refused.get("ETag", "")).status_code == 429


@pytest.mark.parametrize(
    ("headers", "status", "same"),
    [
        ({"HTTP_ACCEPT": "text/html"}, 200, False),  # the browsable API
        ({"HTTP_ACCEPT": "application/json; indent=4"}, 200, False),
        ({"HTTP_ACCEPT": "application/json, */*"}, 200, True),  # DRF's answer, and the same one
        ({"HTTP_AUTHORIZATION": "Token nobody"}, 401, False),  # DRF refuses it
    ],
)
def test_only_an_anonymous_get_of_json_is_served_plainly(client, answered, monkeypatch, headers, status, same):
    url, params = answered["compare"]
    plain = client.get(url, params)
    history, _ = answered["history"]
    public = client.get(history)["ETag"]
    dispatched = []
    dispatch = APIView.dispatch
    monkeypatch.setattr(APIView, "dispatch", lambda *a, **k: dispatched.append(1) or dispatch(*a, **k))
    other = client.get(url, params, **headers)
    assert dispatched and other.status_code == status and (other.get("ETag") == plain["ETag"]) == same
    assert client.get(url, {**params, "format": "json"}).status_code == 200 and len(dispatched) == 2
    assert client.head(url, params).status_code == 200 and len(dispatched) == 3
    _curator(client)
    assert client.get(history)["ETag"] != public and len(dispatched) == 4  # curators see rejected rows


def test_a_reader_without_a_session_cookie_is_served_without_loading_the_session(client, answered, monkeypatch):
    """No session cookie: nobody is signed in, known without the session store or the user; the answer still
    says Vary: Cookie (it depends on who asks) and is the one DRF gives."""
    url, params = answered["compare"]
    built = _by_drf(client, monkeypatch, url, params)
    with monkeypatch.context() as patched:
        patched.setattr(SessionStore, "load", lambda self: pytest.fail("session loaded"))
        patched.setattr(auth, "get_user", lambda request: pytest.fail("user loaded"))
        served = _plainly(client, monkeypatch, url, params)
    assert served.status_code == 200 and served.content == built.content
    assert dict(served.items()) == dict(built.items()) and served["Vary"] == "Accept-Encoding, Accept, Cookie"


def test_a_session_cookie_is_read_for_who_asks(client, answered, monkeypatch):
    """A session cookie is looked up: an anonymous session's reader is served plainly, a curator's goes to DRF."""
    url, params = answered["history"]
    public = client.get(url, params)
    session = client.session  # the test client's own: a cookie naming a session with nobody signed in
    session["seen"] = True
    session.save()
    loaded = []
    load = SessionStore.load
    monkeypatch.setattr(SessionStore, "load", lambda self: loaded.append(1) or load(self))
    anonymous = _plainly(client, monkeypatch, url, params)
    assert loaded and anonymous.content == public.content and anonymous["ETag"] == public["ETag"]
    _curator(client)
    with pytest.raises(pytest.fail.Exception, match="served by DRF"):
        _plainly(client, monkeypatch, url, params)
    assert client.get(url, params)["ETag"] != public["ETag"]


@pytest.mark.parametrize("proxies", [None, 0, 1, 2])
@pytest.mark.parametrize("forwarded", [None, "203.0.113.7", "198.51.100.1, 203.0.113.7", " 198.51.100.1 ,203.0.113.7 "])
def test_a_reader_is_known_by_drf_s_address(rf, monkeypatch, proxies, forwarded):
    """The throttles read X-Forwarded-For from META rather than request.headers, with DRF's rule."""
    from positions.api.throttling import AnonymousRateThrottle

    monkeypatch.setattr(api_settings, "NUM_PROXIES", proxies)
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = rf.get("/api/v1/compare", REMOTE_ADDR="192.0.2.5", **headers)
    assert AnonymousRateThrottle().get_ident(request) == SimpleRateThrottle.get_ident(AnonymousRateThrottle(), request)


# --- the version's lag (settings.ANSWER_VERSION_LAG_MS, opt-in) ------------------------------------------------


def _written_elsewhere() -> None:
    """A write another process commits (here a connection of its own): it moves the data version."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("UPDATE positions_party SET name = name WHERE id = (SELECT min(id) FROM positions_party)")


def _listening() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_listening_channels()")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def lagged(said, settings):
    """The statement list (served plainly once built, DRF building it on a miss), on a connection of the test's
    own with nothing listening yet."""
    f.party()  # a row for _written_elsewhere to write
    connection.close()
    return LIST, {"page_size": 2}


@pytest.mark.django_db(transaction=True)
def test_by_default_the_version_is_read_at_every_request_and_nothing_listens(client, lagged, monkeypatch):
    url, params = lagged
    before = client.get(url, params)
    _written_elsewhere()
    assert client.get(url, params)["ETag"] != before["ETag"]
    assert _listening() == []


@pytest.mark.django_db(transaction=True)
def test_with_a_lag_a_repeated_request_reads_nothing_and_a_write_elsewhere_is_seen_once_announced(
    client, lagged, monkeypatch, settings
):
    settings.ANSWER_VERSION_LAG_MS = 60_000  # far longer than the test: only the announcement can move it
    url, params = lagged
    before = client.get(url, params)
    assert _listening() == [selectors.VERSION_CHANNEL]
    with CaptureQueriesContext(connection) as queries:
        assert _plainly(client, monkeypatch, url, params)["ETag"] == before["ETag"]
    assert len(queries) == 0
    _written_elsewhere()
    deadline = time.monotonic() + 10
    while (now := client.get(url, params))["ETag"] == before["ETag"]:
        assert time.monotonic() < deadline, "the write's announcement never arrived"
        time.sleep(0.01)
    assert now.content == _by_drf(client, monkeypatch, url, params).content  # DRF's, the version read afresh


@pytest.mark.django_db(transaction=True)
def test_with_a_lag_a_write_on_the_reader_s_own_connection_is_seen_at_once(client, lagged, monkeypatch, settings):
    settings.ANSWER_VERSION_LAG_MS = 60_000
    url, params = lagged
    before = client.get(url, params)
    f.party()  # committed on the connection that listens: psycopg gets the announcement with the reply
    assert client.get(url, params)["ETag"] != before["ETag"]


@pytest.mark.django_db(transaction=True)
def test_with_a_lag_an_announcement_lost_delays_a_write_by_the_lag_at_most(client, lagged, monkeypatch, settings):
    settings.ANSWER_VERSION_LAG_MS = 1_500
    _seen_after_the_lag_when_deaf(client, *lagged)


def _seen_after_the_lag_when_deaf(client, url, params) -> None:
    """With a lag of 1.5 s: the answer read, the process deaf to PostgreSQL's announcements (and nothing in it
    knows), a write made elsewhere: the same answer until the lag has passed, then the new one."""
    began = time.monotonic()
    before = client.get(url, params)
    connection.connection.pgconn.exec_(b"UNLISTEN *")
    _written_elsewhere()
    if time.monotonic() - began < 1.2:
        assert client.get(url, params)["ETag"] == before["ETag"], "the lag was not used"
    time.sleep(max(0.0, began + 1.6 - time.monotonic()))
    assert client.get(url, params)["ETag"] != before["ETag"]


@pytest.mark.django_db(transaction=True)
def test_with_a_lag_a_new_connection_reads_the_version_before_it_trusts_one(client, lagged, monkeypatch, settings):
    settings.ANSWER_VERSION_LAG_MS = 60_000
    url, params = lagged
    before = client.get(url, params)
    connection.close()  # CONN_MAX_AGE, an error, a forked process: another connection, not yet listening
    _written_elsewhere()
    assert client.get(url, params)["ETag"] != before["ETag"]
    assert _listening() == [selectors.VERSION_CHANNEL]


@pytest.mark.django_db(transaction=True)
def test_with_a_lag_a_listener_postgresql_dropped_is_replaced_and_the_version_read(
    client, lagged, monkeypatch, settings
):
    settings.ANSWER_VERSION_LAG_MS = 60_000
    url, params = lagged
    before = client.get(url, params)
    dropped = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
    _written_elsewhere()  # announced to nobody: the listener has gone
    time.sleep(0.1)  # the FATAL PostgreSQL sends an ended connection reaches its socket
    close_old_connections()  # a request begins
    assert client.get(url, params)["ETag"] != before["ETag"]
    assert connection.connection.info.backend_pid != dropped


@pytest.mark.django_db(transaction=True)
def test_with_a_lag_drf_s_path_still_reads_the_version_at_every_request(client, lagged, monkeypatch, settings):
    settings.ANSWER_VERSION_LAG_MS = 60_000
    url, params = lagged
    before = client.get(url, params)
    connection.connection.pgconn.exec_(b"UNLISTEN *")
    _written_elsewhere()
    assert _by_drf(client, monkeypatch, url, params)["ETag"] != before["ETag"]


@pytest.mark.django_db(transaction=True)
def test_the_version_s_moves_are_announced_when_they_commit_and_not_when_rolled_back():
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as listener:
        listener.execute(f"LISTEN {selectors.VERSION_CHANNEL}")
        with pytest.raises(RuntimeError), transaction.atomic():
            f.party()
            raise RuntimeError("rolled back")
        assert list(listener.notifies(timeout=0.3)) == []
        f.party()
        announced = next(listener.notifies(timeout=5), None)
        assert announced is not None and announced.channel == selectors.VERSION_CHANNEL


@pytest.mark.django_db(transaction=True)
def test_with_a_lag_an_answer_built_on_a_miss_is_named_by_the_version_read_afresh(
    client, lagged, monkeypatch, settings
):
    settings.ANSWER_VERSION_LAG_MS = 60_000
    url, params = lagged
    before = client.get(url, params)
    connection.connection.pgconn.exec_(b"UNLISTEN *")
    _written_elsewhere()
    selectors.RECENT_ANSWERS.clear()
    cache.clear()  # the lagging version's answer is gone: a miss, which DRF builds from the data as it is now
    built = client.get(url, params)
    assert built["ETag"] != before["ETag"]
    assert built["ETag"] == _by_drf(client, monkeypatch, url, params)["ETag"]


# --- with Redis: the tracker's writes signalled (settings.ANSWER_SIGNAL_LAG_MS) -------------------------------


def _signal() -> bytes | None:
    from django.core.cache import caches

    redis_cache = caches["default"]
    return redis_cache._cache.get_client().get(redis_cache.make_key(selectors.SIGNAL_KEY))


@pytest.fixture
def signalled(redis_cache, lagged, monkeypatch, settings):
    """The statement list answered with the cache in Redis and the anonymous throttle counting there (which
    reads the signal), the signal's lag far longer than any test: only a signal or an announcement moves it.
    Every request is counted in Redis (API_THROTTLE_SYNC_MS=0): tests/test_cache.py tests a busy reader's share."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000000/minute", "user": None})
    settings.ANSWER_SIGNAL_LAG_MS = 60_000
    settings.API_THROTTLE_SYNC_MS = 0
    selectors.RECENT_ANSWERS.clear()
    return lagged


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_repeated_request_reads_nothing_from_postgresql(client, signalled, monkeypatch):
    url, params = signalled
    before = client.get(url, params)
    assert client.get(url, params)["ETag"] == before["ETag"]  # the version read with the signal beside it
    with CaptureQueriesContext(connection) as queries:
        assert _plainly(client, monkeypatch, url, params)["ETag"] == before["ETag"]
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_write_through_the_tracker_is_seen_at_once_without_an_announcement(client, signalled, monkeypatch):
    url, params = signalled
    before = client.get(url, params)
    client.get(url, params)
    connection.connection.pgconn.exec_(b"UNLISTEN *")  # deaf: only the signal can say
    moved = _signal()
    party = Party.objects.first()
    party.name = "Renamed through the tracker"
    party.save()  # autocommit: the signal moves as soon as the UPDATE (and its history row) has run
    assert _signal() not in (moved, None)
    after = client.get(url, params)  # a miss: the lean path read the new version, DRF builds its answer
    assert after["ETag"] != before["ETag"]
    assert after.content == _by_drf(client, monkeypatch, url, params).content


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_busy_reader_sees_a_write_through_the_tracker_once_its_share_lapses(
    client, signalled, monkeypatch, settings
):
    """With a busy reader's share (settings.API_THROTTLE_SYNC_MS, here 1 s): a request let through without a
    round trip to Redis goes on with the signal the last count read, so a write through the tracker that no
    announcement reports is seen by the first request after the share has lapsed, which counts in Redis."""
    from positions.api import throttling

    url, params = signalled
    settings.API_THROTTLE_SYNC_MS = 1_000
    sent = []
    init = throttling._Sent.__init__
    monkeypatch.setattr(throttling._Sent, "__init__", lambda *a: sent.append(1) or init(*a))
    before = client.get(url, params)
    assert client.get(url, params)["ETag"] == before["ETag"]
    connection.connection.pgconn.exec_(b"UNLISTEN *")  # deaf: only the signal can say
    sent.clear()
    Party.objects.filter(pk=Party.objects.first().pk).update(name="Renamed while the reader was busy")
    during = client.get(url, params)
    if not sent:  # let through (unless this machine took a second since the count): on the signal before
        assert during["ETag"] == before["ETag"]
    counted_at = max(reader.counted_at for reader in throttling._READERS.known.values())  # this reader's count
    time.sleep(max(0.0, counted_at + 1.05 - time.monotonic()))
    sent.clear()
    after = client.get(url, params)
    assert sent == [1] and after["ETag"] != before["ETag"]
    assert after.content == _by_drf(client, monkeypatch, url, params).content


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_write_outside_the_tracker_is_seen_once_announced_or_after_the_lag(
    client, signalled, monkeypatch, settings
):
    url, params = signalled
    before = client.get(url, params)
    moved = _signal()
    _written_elsewhere()  # SQL on a connection of its own: no signal, PostgreSQL's announcement only
    assert _signal() == moved
    deadline = time.monotonic() + 10
    while (now := client.get(url, params))["ETag"] == before["ETag"]:
        assert time.monotonic() < deadline, "the write's announcement never arrived"
        time.sleep(0.01)

    assert now.content == _by_drf(client, monkeypatch, url, params).content
    settings.ANSWER_SIGNAL_LAG_MS = 1_500
    _seen_after_the_lag_when_deaf(client, url, params)


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_transaction_moves_the_signal_once_when_it_commits_and_not_when_rolled_back(
    redis_cache, monkeypatch
):
    f.party()
    moves = []
    signal_writes = selectors.signal_writes
    monkeypatch.setattr(selectors, "signal_writes", lambda: moves.append(1) or signal_writes())
    before = _signal()
    with transaction.atomic():
        f.party()
        f.party()
        assert _signal() == before and moves == []  # not before the commit: a reader would read the old version
    after = _signal()
    assert after not in (before, None) and len(moves) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        f.party()
        raise RuntimeError("rolled back")
    list(Party.objects.all())  # a read moves nothing
    assert _signal() == after and len(moves) == 1


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_signal_lost_is_never_taken_for_the_one_read_before(client, signalled, monkeypatch):
    """Redis may evict or lose the key (a restart, a flush): read as "0", and made again by the next write
    with a value of its own, never one a web process already holds."""
    from django.core.cache import caches

    url, params = signalled
    key = caches["default"].make_key(selectors.SIGNAL_KEY)
    raw = caches["default"]._cache.get_client(write=True)
    raw.set(key, "1")  # as a counter counted from nothing would stand after one write
    before = client.get(url, params)
    connection.connection.pgconn.exec_(b"UNLISTEN *")
    raw.delete(key)  # lost; a counter's next write would make it "1" again
    Party.objects.filter(pk=Party.objects.first().pk).update(name="Renamed after the key was lost")
    assert raw.get(key) not in (b"1", None)
    assert client.get(url, params)["ETag"] != before["ETag"]
    raw.delete(key)
    assert _plainly(client, monkeypatch, url, params).status_code == 200  # "0": the version read again


@pytest.mark.django_db(transaction=True)
def test_without_redis_nothing_is_signalled(monkeypatch):
    monkeypatch.setattr(selectors, "signal_writes", lambda: pytest.fail("signalled without Redis"))
    f.party()
    assert cache.get(selectors.SIGNAL_KEY) is None


@pytest.mark.parametrize(
    "sql, writes",
    [
        ('SELECT "positions_party"."id" FROM "positions_party"', False),
        ("  (SELECT 1) UNION (SELECT 2)", False),
        ('SAVEPOINT "s1_x1"', False),
        ('RELEASE SAVEPOINT "s1_x1"', False),
        ("EXPLAIN (FORMAT JSON) SELECT 1", False),
        ("WITH found AS (SELECT 1) SELECT * FROM found", False),
        ('INSERT INTO "positions_party" ("name") VALUES (%s)', True),
        ('UPDATE "positions_party" SET "name" = %s', True),
        ('DELETE FROM "positions_party" WHERE "id" = %s', True),
        ("WITH gone AS (DELETE FROM positions_datawrite RETURNING weight) SELECT sum(weight) FROM gone", True),
        ("TRUNCATE positions_stancerun", True),
        ("COPY positions_party (id, name) FROM STDIN", True),
        ("select_nothing()", False),
        ("CALL positions_refresh()", True),
    ],
)
def test_a_statement_counts_as_a_write_unless_it_is_known_to_read(sql, writes):
    assert selectors._may_write(sql) is writes
