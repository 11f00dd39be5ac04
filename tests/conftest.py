"""Shared fixtures: a real Celery worker process, and the seed negotiation loaded once per test."""

import ipaddress
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection, transaction

BASE_DIR = Path(settings.BASE_DIR)


def _stay_on_this_machine(event: str, args: tuple) -> None:
    """No test talks to the outside: names other than localhost are not looked up (test data is
    full of them) and connections go to loopback or Unix sockets only."""
    if event == "socket.getaddrinfo":
        host = args[0].decode() if isinstance(args[0], bytes) else args[0]
        if host and not _is_local_or_numeric(str(host)):
            raise socket.gaierror(socket.EAI_NONAME, f"tests do not look up {host!r}")
    elif event == "socket.connect" and isinstance(args[1], tuple):
        address = str(args[1][0]).split("%", 1)[0]
        if not ipaddress.ip_address(address).is_loopback:
            raise ConnectionRefusedError(f"tests do not connect to {address}")


def _is_local_or_numeric(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain", "ip6-localhost"}:
        return True
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
        return True
    except ValueError:
        pass
    try:
        socket.inet_aton(host)  # the legacy spellings: 2130706433, 0x7f.0.0.1, 127.1
        return True
    except OSError:
        return False


sys.addaudithook(_stay_on_this_machine)
SEED_FILE = BASE_DIR / "fixtures" / "nato-russia-missile-defence.json"
# The project's own test data (tests/data/README.md): the openly licensed corpus documents, every gold file
# and the bad inputs whose licence lets them travel with the project.
DATA = BASE_DIR / "tests" / "data"
CORPUS = DATA / "corpus"
BADINPUT = DATA / "badinput"
SEED_GOLD = DATA / "seed" / "2011-12-06_itar-tass_rasmussen-two-separate-systems.json"
# The seed's positions as of the report's date on the report's proposals hold the report's (gold) and two that
# other sources state: Lavrov's of September 2011 and Tauscher's of October 2011 (issue 15).
SEED_GOLD_ELSEWHERE = {
    ("Russia", "Political commitment that neither system undermines the strategic balance", "opposes"),
    ("United States", "Political commitment that neither system undermines the strategic balance", "supports"),
}
# What stays outside: PolNeAR (its text is for evaluation only), the seed's news report, score.py and the
# third-party web pages of the bad inputs. A clone has no ../shared; CI has it and must not skip.
SHARED = BASE_DIR.parent / "shared"
SHARED_REQUIRED = os.environ.get("TRACKER_REQUIRE_SHARED", "") == "1"


def shared(*parts: str) -> Path:
    """A path under ../shared, or a skip with the reason where it is not there (a failure where
    TRACKER_REQUIRE_SHARED=1, as .ci/run sets: CI must run these tests)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"needs {path}, which is not beside this clone (PolNeAR and third-party texts stay outside)"
        if SHARED_REQUIRED:
            pytest.fail(f"TRACKER_REQUIRE_SHARED=1 but the test {reason}", pytrace=False)
        pytest.skip(reason)
    return path


def pytest_report_header(config) -> str | None:
    if not SHARED.is_dir():
        return (
            f"{SHARED} is not here: the tests that read PolNeAR, the seed's news report, score.py or the "
            "third-party pages of the bad inputs are skipped; the rest use tests/data"
        )
    return None


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests render pages without running collectstatic first, so no hashed-name manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The database cache's own connection (tracker/cache.py) points at the test database too,
    even in runs where no test asks for it by name."""
    from django.db import connections

    from tracker.cache import CACHE_ALIAS

    if CACHE_ALIAS in connections:
        connections[CACHE_ALIAS].creation.set_as_test_mirror(connections["default"].settings_dict)


@pytest.fixture(autouse=True)
def throttle_counts_in_memory(settings):
    """Throttles count afresh in each test, in memory: the database cache commits on its own
    connection, outside the test's transaction (tests/test_cache.py tests that cache). The answers
    a process keeps (selectors.RECENT_ANSWERS) are forgotten too."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    from django.core.cache import cache

    from positions.selectors import RECENT_ANSWERS

    cache.clear()
    RECENT_ANSWERS.clear()


@pytest.fixture
def redis_cache(settings):
    """The cache in Redis (the broker's server, under a prefix of this test's own), when one answers."""
    import uuid

    import redis

    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        pytest.skip("no Redis broker in this run")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        pytest.skip("Redis does not answer")
    prefix = f"test-{uuid.uuid4().hex}"
    backend = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": prefix}}
    yield
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def unthrottled(monkeypatch):
    """No API throttle: a test that reads many routes as one anonymous client is not a flood."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


def real_changes(rows, field: str) -> list:
    """The stances or status changes that differ from the value before them (by date) for their proposal
    and party: a first value or a change of mind, not a restatement. Assumes one row a day per pair."""
    before, found = {}, []
    for row in sorted(rows, key=lambda r: (r.effective, r.recorded_at, r.id)):
        key = (row.proposal_id, getattr(row, "party_id", None))
        if before.get(key) != getattr(row, field):
            found.append(row)
        before[key] = getattr(row, field)
    return found


@pytest.fixture
def seed_data() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def seeded(db, seed_data):
    """The founding negotiation loaded by the seed service. Loading it writes some 3,000 rows one by one
    with their audit history (seconds); a test process loads it once for real and copies the rows it
    wrote into the next empty databases with COPY, which PostgreSQL reads in a fraction of that."""
    global _SEED_ROWS
    from positions.services import negotiation_seed

    if _SEED_ROWS is None or not _copy_rows_in(_SEED_ROWS):
        empty = {table for table, rows in _row_counts().items() if rows == 0}
        negotiation_seed(data=seed_data)
        _SEED_ROWS = _copy_rows_out({table for table, rows in _row_counts().items() if rows} & empty)
    return seed_data


_SEED_ROWS: dict[str, tuple[str, bytes, int]] | None = None
UNCOPIED = {"positions_datawrite", "positions_lexiconwrite", "django_cache"}  # the triggers write the first two
UNCOPIED |= {"positions_stancerun", "positions_statusrun"}  # migration 0022's triggers fill them from the stances


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted({name for (name,) in cursor.fetchall()} - UNCOPIED)
        cursor.execute(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables))
        return dict(cursor.fetchall())


def _copy_rows_out(tables: set[str]) -> dict[str, tuple[str, bytes, int]]:
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(
                "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''",
                [table],
            )
            columns = cursor.fetchone()[0]
            data = bytearray()
            with cursor.copy(f'COPY (SELECT {columns} FROM "{table}") TO STDOUT') as copy:
                for block in copy:
                    data += block
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            rows[table] = (columns, bytes(data), cursor.fetchone()[0])
    return rows


def _copy_rows_in(rows: dict[str, tuple[str, bytes, int]]) -> bool:
    """The rows copied out after the real load, into tables that must be empty (else False: load it)."""
    counts = _row_counts()
    if any(counts.get(table) != 0 for table in rows):
        return False
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys are checked at its end (deferred)
        for table, (columns, data, _) in rows.items():
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                copy.write(data)
            cursor.execute(
                "SELECT attname, pg_get_serial_sequence(%s, attname) FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0 AND NOT attisdropped AND pg_get_serial_sequence(%s, attname) IS NOT NULL",
                [table, table, table],
            )
            for column, sequence in cursor.fetchall():  # ids made after this must not meet the copied ones
                cursor.execute(
                    f'SELECT setval(%s, GREATEST((SELECT max("{column}") FROM "{table}"), '
                    f"(SELECT last_value FROM {sequence})))",
                    [sequence],
                )
    copied = _row_counts()
    assert all(copied[table] == n for table, (_, _, n) in rows.items()), "the seed's rows were not all copied"
    return True


def test_database_url() -> str:
    """DATABASE_URL of this run, pointed at the test database pytest-django made."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + quote(connection.settings_dict["NAME"])))


class Worker:
    def __init__(self, queue: str, process: subprocess.Popen, log: Path):
        self.queue, self.process, self.log = queue, process, log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def uploads(settings, tmp_path, monkeypatch):
    """One upload folder for this process and the worker it starts (ask for it before the worker)."""
    folder = tmp_path / "uploads"
    settings.UPLOAD_DIR = folder
    monkeypatch.setenv("UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` subprocess on the configured broker, on a queue of its own, writing
    to the test database. Stopped before the test database is flushed."""
    from tracker.celery import app

    # Celery prefers a CELERY_BROKER_URL in the environment to the settings: both must name one broker.
    assert app.conf.broker_url == settings.CELERY_BROKER_URL, "this process would send its tasks elsewhere"
    queue = f"test-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        # The same broker as this process (the SQL default would follow DATABASE_URL otherwise).
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        # Follow-up tasks the worker queues stay on its own queue, away from any other worker.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "FETCH_ALLOWED_NETWORKS": ",".join(settings.FETCH_ALLOWED_NETWORKS),
    }
    args = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool", "solo", "--queues", queue]
    args += ["--hostname", f"{queue}@%h", "--loglevel", "INFO", "--without-mingle", "--without-gossip"]
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker = Worker(queue, process, log)
    try:
        deadline = time.monotonic() + 60
        while "ready." not in worker.output():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not start:\n{worker.output()}")
            time.sleep(0.2)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        connection.close()


class Site:
    """A real HTTP server on 127.0.0.1 serving what a test puts in `pages`: path -> (status, headers, body)."""

    def __init__(self):
        import http.server
        import threading

        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: list[str] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                site.hits.append(self.path)
                status, headers, body = site.pages.get(self.path, (404, {}, b"not here"))
                if headers.get("etag") and self.headers.get("If-None-Match") == headers["etag"]:
                    status, body = 304, b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(settings):
    """A local site the fetcher may reach: 127.0.0.1 on the site's port alone, for this test only (a feed's
    links to other loopback ports are refused, as they would be in production)."""
    served = Site()
    settings.FETCH_ALLOWED_NETWORKS = [f"127.0.0.1/32:{served.server.server_address[1]}"]
    yield served
    served.close()


def rss(site: Site, items: list[tuple[str, str, str]], *, title: str = "Test feed") -> bytes:
    """An RSS 2.0 feed of (guid, link path, title) items."""
    from xml.sax.saxutils import escape

    entries = "".join(
        f"<item><guid>{escape(guid)}</guid><link>{escape(site.url(path))}</link><title>{escape(t)}</title>"
        f"<description>{escape(t)} summary.</description><pubDate>Tue, 06 Dec 2011 10:00:00 GMT</pubDate></item>"
        for guid, path, t in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>{site.url('/')}</link><description>d</description>{entries}</channel></rss>"
    ).encode()


def article(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='article:published_time' content='2011-12-06'></head>"
        f"<body><nav>Home | News | Contact</nav><article><h1>{title}</h1>{body}</article>"
        f"<script>var tracking = 1;</script><footer>Copyright</footer></body></html>"
    ).encode()


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = BASE_DIR / "var" / "screenshots"  # var/ is kept out of git; CI keeps the folder


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (its own browser download cannot work here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `apt-get install chromium` (or set CHROMIUM to its path)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous calls. Unset again afterwards: subprocesses
    # of later tests (`check --deploy`) must not inherit it.
    had = "DJANGO_ALLOW_ASYNC_UNSAFE" in os.environ
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
    flags += ["--disable-component-update", "--disable-sync"]
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
            yield chromium
            chromium.close()
    finally:
        if not had:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, request):
    """A fresh browser page; a screenshot of where it ended goes to var/screenshots/TEST.png."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in request.node.name)[:120]
    try:
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
