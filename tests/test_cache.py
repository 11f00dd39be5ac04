"""The cache throttles count in (tracker/cache.py): one for every process, Redis or the database."""

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connections
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

import tracker.settings as configured
from tests.conftest import test_database_url as this_test_database_url

# A child process counts one request for the same address through the same throttle.
COUNT_ONE = """
import django; django.setup()
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.throttling import AnonRateThrottle
request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
request.user = AnonymousUser()
print(AnonRateThrottle().allow_request(request, None))
"""


def anonymous_request(rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    request.user = AnonymousUser()
    return request


def test_without_cache_url_it_is_the_database_cache_on_a_connection_of_its_own():
    assert configured.CACHE_URL is None  # this run sets no CACHE_URL
    assert configured.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert configured.CACHES["default"]["LOCATION"] == "django_cache"
    assert configured.DATABASES["cache"]["NAME"] == configured.DATABASES["default"]["NAME"]
    assert configured.DATABASES["cache"]["ATOMIC_REQUESTS"] is False  # no row lock held till the response


def test_the_cache_s_commits_do_not_wait_for_the_disk_and_the_data_s_do():
    """A throttle count is written on every request: on its own connection it commits without waiting for
    the WAL to be flushed, which the data's connection still does."""
    import psycopg

    found = {}
    for alias in ("cache", "default"):
        db = configured.DATABASES[alias]
        with psycopg.connect(
            dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"], options=db["OPTIONS"]["options"]
        ) as connection:
            found[alias] = connection.execute("SHOW synchronous_commit").fetchone()[0]
    assert found == {"cache": "off", "default": "on"}


@pytest.mark.django_db(transaction=True, databases=["default", "cache"])
def test_a_count_made_by_one_process_is_seen_by_another(settings, rf, monkeypatch):
    settings.CACHES = configured.CACHES
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "4/minute", "user": None})
    try:
        for _ in range(3):
            assert AnonRateThrottle().allow_request(anonymous_request(rf), None)
        env = {**os.environ, "DATABASE_URL": this_test_database_url(), "API_THROTTLE_ANON": "4/minute"}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.pop("CACHE_URL", None)
        child = subprocess.run(
            [sys.executable, "-c", COUNT_ONE],
            cwd=settings.BASE_DIR,
            env={**env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert child.returncode == 0, child.stderr
        assert child.stdout.split()[-1] == "True"  # the child's request is the fourth

        # The fifth, back here, is refused: the child's count reached this process.
        assert not AnonRateThrottle().allow_request(anonymous_request(rf), None)
        # The count sits in the table, committed: a fresh connection sees it.
        fresh = connections.create_connection("cache")
        try:
            with fresh.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM django_cache")
                assert cursor.fetchone()[0] == 1
        finally:
            fresh.close()
    finally:
        cache.clear()


@pytest.mark.django_db
def test_a_request_is_counted_once_by_address_or_by_account(client, django_user_model, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100/minute", "user": "1000/minute"})
    cache.clear()
    assert client.get("/api/v1/parties", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert len(cache.get("throttle_anon_203.0.113.9")) == 1
    assert cache.get("throttle_user_203.0.113.9") is None  # DRF's UserRateThrottle counted it here too

    user = django_user_model.objects.create_user("dana")
    client.force_login(user)
    assert client.get("/api/v1/parties", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert len(cache.get(f"throttle_user_{user.pk}")) == 1
    assert len(cache.get("throttle_anon_203.0.113.9")) == 1  # not counted as anonymous


def test_with_cache_url_the_keys_carry_the_database_s_name():
    """Two databases that share one Redis (the benchmark's scratch copies) can be at the same data version:
    their answers must not be each other's."""
    code = "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['default'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", "CACHE_URL": "redis://127.0.0.1:6379/9"}
    child = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]  # the child's database (this process's is the test's copy)
    assert f"'KEY_PREFIX': '{name}'" in child.stdout and "RedisCache" in child.stdout


def test_with_redis_a_count_is_one_round_trip_and_the_window_is_drf_s(redis_cache, rf, monkeypatch):
    import redis
    from django.core.cache import caches

    from positions.api.throttling import WINDOW, AnonymousRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": None})
    now = [1000.0]
    monkeypatch.setattr(AnonymousRateThrottle, "timer", lambda self: now[0])
    caches["default"]._cache.get_client(write=True).script_load(WINDOW)  # as after any first request
    sent = []
    command = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis, "execute_command", lambda self, *a, **k: sent.append(a[0]) or command(self, *a, **k)
    )
    for _ in range(3):
        sent.clear()
        assert AnonymousRateThrottle().allow_request(anonymous_request(rf), None)
        assert sent[-1:] == ["EVALSHA"] and sent.count("EVALSHA") == 1 and "GET" not in sent and "SET" not in sent
        now[0] += 10
    refused = AnonymousRateThrottle()
    assert not refused.allow_request(anonymous_request(rf), None)
    # DRF's wait: the oldest of the three leaves the window 60 s after it came, 30 s from now.
    assert refused.wait() == pytest.approx(30.0)
    now[0] = 1060.0  # the first request's time is out of the window (DRF drops times <= now - 60)
    assert AnonymousRateThrottle().allow_request(anonymous_request(rf), None)
    assert not AnonymousRateThrottle().allow_request(anonymous_request(rf), None)


@pytest.mark.django_db
def test_with_redis_the_api_answers_429_with_retry_after(redis_cache, client, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": None})
    codes = [client.get("/api/v1/parties").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = client.get("/api/v1/parties")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60


def _in_use(cache_) -> int:
    """Connections out of the pool, but the one this thread keeps for its counts, which waits on no reply."""
    from positions.api import throttling

    assert not throttling._KEPT.busy
    return len(cache_._cache.get_client(write=True).connection_pool._in_use_connections - {throttling._KEPT.connection})


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/statements", "/api/v1/compare?negotiation=nobody"])
def test_with_redis_a_cached_answer_reads_the_count_after_the_version_and_still_answers_429(
    redis_cache, client, monkeypatch, url, settings
):
    """Where the version is read at every request (ANSWER_SIGNAL_LAG_MS=0), the count's round trip to Redis
    overlaps the data version's to PostgreSQL (positions/api/answers.py): the script is sent, the version
    read, then the reply; a reader over the limit still gets the 429 (not the answer, nor the 400 of a bad
    question), and every connection goes back to the pool."""
    from django.core.cache import caches

    from positions import selectors
    from positions.api import throttling

    settings.ANSWER_SIGNAL_LAG_MS = 0
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": None})
    steps = []
    init, reply, version = throttling._Sent.__init__, throttling._Sent.reply, selectors.data_version
    monkeypatch.setattr(throttling._Sent, "__init__", lambda *a: steps.append("sent") or init(*a))
    monkeypatch.setattr(throttling._Sent, "reply", lambda self: steps.append("reply") or reply(self))
    monkeypatch.setattr(selectors, "data_version", lambda: steps.append("version") or version())
    codes = [client.get(url).status_code for _ in range(3)]
    expected = 200 if "statements" in url else 400
    assert codes == [expected, expected, 429]
    assert steps[:3] == ["sent", "version", "reply"] and steps.count("sent") == steps.count("reply") == 3
    refused = client.get(url)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert _in_use(caches["default"]) == 0


@pytest.mark.django_db(transaction=True)
def test_with_redis_and_the_writes_signal_the_count_s_reply_comes_first_and_a_429_still_comes(
    redis_cache, client, monkeypatch
):
    """With the signal (ANSWER_SIGNAL_LAG_MS, on by default), the count's reply carries it and is read before
    the version, which is read from PostgreSQL only when nothing known can stand for it."""
    from django.core.cache import caches

    from positions import selectors
    from positions.api import throttling

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": None})
    selectors.RECENT_ANSWERS.clear()
    steps = []
    init, reply, version = throttling._Sent.__init__, throttling._Sent.reply, selectors.data_version
    monkeypatch.setattr(throttling._Sent, "__init__", lambda *a: steps.append("sent") or init(*a))
    monkeypatch.setattr(throttling._Sent, "reply", lambda self: steps.append("reply") or reply(self))
    monkeypatch.setattr(selectors, "data_version", lambda: steps.append("version") or version())
    codes = [client.get("/api/v1/statements").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert steps[:3] == ["sent", "reply", "version"]
    # the first request read the version three times (the lean path, again once its connection listens, then
    # DRF building the answer on the miss); the second and third counted and took the version read with the
    # same signal; the fourth was refused
    assert steps.count("sent") == steps.count("reply") == 4 and steps.count("version") == 3, steps
    refused = client.get("/api/v1/statements")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert _in_use(caches["default"]) == 0


def _count(rf) -> bool:
    from positions.api.throttling import AnonymousRateThrottle

    return AnonymousRateThrottle().counted(anonymous_request(rf), None)()


def test_with_redis_counts_keep_one_connection_and_a_second_waiting_count_takes_the_pool_s(
    redis_cache, rf, monkeypatch, settings
):
    """A thread's counts (as an answer makes them: sent, then the reply read) go out on the connection it
    keeps, with no checkout from the pool; a count sent while another waits for its reply takes one of the
    pool's, given back once read; a failed exchange closes the kept one, which the next count opens again."""
    from django.core.cache import caches

    from positions.api import throttling
    from positions.api.throttling import AnonymousRateThrottle

    settings.API_THROTTLE_SYNC_MS = 0  # every request counted in Redis
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100/minute", "user": None})
    assert _count(rf)
    pool = caches["default"]._cache.get_client(write=True).connection_pool
    kept = throttling._KEPT.connection
    assert throttling._KEPT.pool is pool and kept in pool._in_use_connections
    checkouts = []
    get_connection = type(pool).get_connection
    monkeypatch.setattr(type(pool), "get_connection", lambda self: checkouts.append(1) or get_connection(self))
    for _ in range(3):
        assert _count(rf)
    assert checkouts == [] and throttling._KEPT.connection is kept

    first = AnonymousRateThrottle().counted(anonymous_request(rf), None)
    second = AnonymousRateThrottle().counted(anonymous_request(rf), None)
    assert checkouts == [1] and throttling._KEPT.busy
    assert second() and first() and not throttling._KEPT.busy and _in_use(caches["default"]) == 0

    monkeypatch.setattr(kept, "read_response", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("dropped")))
    with pytest.raises(ConnectionError):
        _count(rf)
    monkeypatch.undo()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100/minute", "user": None})
    assert kept._sock is None and not throttling._KEPT.busy
    assert _count(rf) and kept._sock is not None


@pytest.mark.django_db
def test_with_redis_a_script_redis_does_not_know_is_loaded_again(redis_cache, client, monkeypatch):
    from django.core.cache import caches

    from positions.api import throttling

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "5/minute", "user": None})
    assert client.get("/api/v1/statements").status_code == 200
    # What a restarted Redis says to the script's name (without flushing the shared server's scripts).
    monkeypatch.setattr(throttling._script, "sha", "0" * 40)
    assert client.get("/api/v1/statements").status_code == 200
    assert throttling._script.sha != "0" * 40 and _in_use(caches["default"]) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/compare?negotiation=nobody", "/api/v1/statements"])
def test_a_reader_over_the_limit_is_refused_whatever_the_method_of_an_answer_s_route(client, monkeypatch, url):
    """An answer's GET reads the count's reply once its data version is read; another method (OPTIONS) is
    refused at once, as DRF refuses it, never let through for want of an answer to read the reply."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/minute", "user": None})
    assert client.get(url).status_code in (200, 400)
    assert client.options(url).status_code == 429
    assert client.get(url).status_code == 429


# --- with Redis: a busy reader's share (settings.API_THROTTLE_SYNC_MS) -------------------------------------


def _counted_at(rf, address: str = "203.0.113.7") -> bool:
    from positions.api.throttling import AnonymousRateThrottle

    request = rf.get("/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return AnonymousRateThrottle().counted(request, None)()


def _window(address: str = "203.0.113.7") -> list[tuple[bytes, float]]:
    from django.core.cache import caches

    from positions.api.throttling import AnonymousRateThrottle

    key = caches["default"].make_key(AnonymousRateThrottle.cache_format % {"scope": "anon", "ident": address})
    return caches["default"]._cache.get_client(write=True).zrange(key, 0, -1, withscores=True)


@pytest.fixture
def round_trips(monkeypatch):
    """The counts sent to Redis, as the number of requests each carried (its own and those let through before)."""
    from positions.api import throttling

    sent = []
    init = throttling._Sent.__init__
    monkeypatch.setattr(
        throttling._Sent,
        "__init__",
        lambda self, c, keys, args: sent.append(1 + (len(args) - 4) // 2) or init(self, c, keys, args),
    )
    return sent


@pytest.mark.parametrize("sync_ms, expected", [(1_000, [1, 11, 11]), (0, [1] * 25)])
def test_with_redis_a_busy_reader_is_let_through_for_its_share_and_every_request_reaches_redis(
    redis_cache, rf, monkeypatch, settings, round_trips, sync_ms, expected
):
    """1,000 a minute: a share of 10. After a count, the next 10 requests go through without a round trip and
    reach Redis with the next count, each with its own time; API_THROTTLE_SYNC_MS=0 counts each in Redis."""
    from positions.api.throttling import AnonymousRateThrottle

    settings.API_THROTTLE_SYNC_MS = sync_ms
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000/minute", "user": None})
    now = [5000.0]
    monkeypatch.setattr(AnonymousRateThrottle, "timer", lambda self: now[0])
    for _ in range(25):
        assert _counted_at(rf)
        now[0] += 0.5
    assert round_trips == expected
    window = _window()
    assert len(window) == sum(expected)  # what is let through after the last count goes with the next
    assert [score for _, score in window] == [5000.0 + 0.5 * i for i in range(sum(expected))]


def test_with_redis_the_share_lapses_with_api_throttle_sync_ms(redis_cache, rf, monkeypatch, settings, round_trips):
    settings.API_THROTTLE_SYNC_MS = 200
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000/minute", "user": None})
    assert _counted_at(rf) and _counted_at(rf) and round_trips == [1]
    time.sleep(0.25)
    assert _counted_at(rf) and round_trips == [1, 2]


def test_with_redis_one_process_never_passes_the_limit_and_a_refusal_is_redis_s(
    redis_cache, rf, monkeypatch, settings, round_trips
):
    """200 a minute (a share of 2): exactly 200 go through, the last places counted in Redis one by one; the
    refusals come from Redis with DRF's Retry-After, and a refused reader is never let through on its own."""
    from positions.api.throttling import AnonymousRateThrottle

    settings.API_THROTTLE_SYNC_MS = 1_000
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "200/minute", "user": None})
    now = [7000.0]
    monkeypatch.setattr(AnonymousRateThrottle, "timer", lambda self: now[0])
    allowed = []
    for _ in range(210):
        allowed.append(_counted_at(rf))
        now[0] += 0.01
    assert allowed == [True] * 200 + [False] * 10
    assert len(round_trips) < 100 and sum(round_trips) == 210  # two of three let through; every one counted
    assert round_trips[-11:] == [1] * 11  # the last place and the refusals: one round trip each
    refused = AnonymousRateThrottle()
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    request.user = AnonymousUser()
    assert not refused.allow_request(request, None)
    assert refused.wait() == pytest.approx(7000.0 + 60 - now[0])
    assert len(_window()) == 200


@pytest.mark.django_db(transaction=True)
def test_with_redis_web_processes_pass_the_limit_by_at_most_their_shares(redis_cache, settings, monkeypatch):
    """Four threads (each counts as a web process does, with what it knows of the reader) share one reader's
    1,000 a minute (a share of 10 each): together they let through at least 1,000 and at most 1,040, and Redis
    holds every request let through."""
    from django.test import RequestFactory

    settings.API_THROTTLE_SYNC_MS = 1_000
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000/minute", "user": None})
    start = threading.Barrier(4)

    def reader() -> int:
        start.wait()
        let, refused = 0, 0
        for _ in range(2_000):  # more than enough to be refused three times in a row
            if refused == 3:
                break
            if _counted_at(RequestFactory()):
                let, refused = let + 1, 0
            else:
                refused += 1
        assert refused == 3, "never refused"
        return let

    with ThreadPoolExecutor(4) as pool:
        let = sum(pool.map(lambda _: reader(), range(4)))
    assert 1_000 <= let <= 1_040
    assert len(_window()) == let


def test_with_redis_a_process_remembers_a_bounded_number_of_readers(redis_cache, rf, monkeypatch, settings):
    from positions.api import throttling

    settings.API_THROTTLE_SYNC_MS = 1_000
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000/minute", "user": None})
    monkeypatch.setattr(throttling._Readers, "size", 3)
    for n in range(6):
        assert _counted_at(rf, f"198.51.100.{n}")
    known = list(throttling._READERS.known)
    assert len(known) == 3 and all(key.endswith(f"198.51.100.{n}") for key, n in zip(known, (3, 4, 5), strict=True))
