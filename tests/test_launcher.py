"""`make run`'s launcher on an embedded PostgreSQL: it serves, shares its database with the commands
run beside it, and leaves nothing behind when stopped."""

import fcntl
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from tracker import launcher

pytestmark = pytest.mark.slow

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Tracker:
    """One `python -m tracker.launcher run` with DATABASE_URL and CELERY_BROKER_URL unset."""

    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir, self.port = data_dir, port or free_port()
        self.log = data_dir / f"launcher-{self.port}.log"
        # What a second terminal has too: the same folder, and no DATABASE_URL or CELERY_BROKER_URL.
        self.env = {
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "TRACKER_LAUNCH_MODE"}
        }
        self.env |= {"TRACKER_DATA_DIR": str(data_dir), "STATIC_ROOT": str(data_dir / "static")}
        env = self.env | {"TRACKER_PORT": str(self.port), "WEB_CONCURRENCY": "1", "CELERY_WORKER_CONCURRENCY": "1"}
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tracker.launcher", "run"], cwd=BASE_DIR, env=env, stdout=out, stderr=out
            )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_healthy(self, timeout: float = 180) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the launcher exited with {self.process.returncode}:\n{self.output()}")
            try:
                status, body = get(self.url("/healthz"))
                # Its banner's last line comes once it has started everything and shared its database.
                if status == 200 and "stop with Ctrl-C" in self.output():
                    return json.loads(body)
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"/healthz never answered 200:\n{self.output()}")

    def exec(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        """`python -m tracker.launcher exec ARGS…` as typed in a second terminal while the tracker runs."""
        command = [sys.executable, "-m", "tracker.launcher", "exec", *args]
        return subprocess.run(
            command, cwd=BASE_DIR, env=self.env | env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def postmaster_pid(self) -> int:
        return int((self.data_dir / "pg" / "postmaster.pid").read_text().split()[0])

    def processes(self) -> list[psutil.Process]:
        """The launcher's children (web, worker, beat and theirs) and the PostgreSQL server."""
        found = psutil.Process(self.process.pid).children(recursive=True)
        if (self.data_dir / "pg" / "postmaster.pid").exists():
            found.append(psutil.Process(self.postmaster_pid()))
        return found

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=90)


def still_alive(processes: list[psutil.Process]) -> list[str]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{process.pid} {' '.join(process.cmdline())}")
        except psutil.NoSuchProcess:
            pass
    return alive


def running_from(data_dir: Path) -> list[str]:
    """Every process on this machine started for `data_dir`: its PostgreSQL, web, worker and beat."""
    found = []
    for process in psutil.process_iter():
        try:
            line = " ".join(process.cmdline())
            mine = str(data_dir) in line or process.environ().get("TRACKER_DATA_DIR") == str(data_dir)
            if mine and process.status() != psutil.STATUS_ZOMBIE:
                found.append(f"{process.pid} {line}")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


def sign_in(tracker: Tracker, username: str, password: str) -> urllib.request.OpenerDirector:
    """A browser of the running tracker's admin, signed in, or a test failure."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with browser.open(tracker.url("/admin/login/"), timeout=10) as response:
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.read()).group(1).decode()
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
    with browser.open(tracker.url("/admin/login/"), urllib.parse.urlencode(form).encode(), timeout=10) as response:
        assert urllib.parse.urlsplit(response.url).path == "/admin/", f"{username} could not sign in"
    return browser


@pytest.fixture(scope="module")
def data_dir(worker_id) -> Path:
    # Under the project, not /tmp: the embedded server runs as its own user and must reach it. One per xdist
    # worker: `make test` keeps a file's tests in one worker, a plain `pytest -n 2` may not.
    path = BASE_DIR / "var" / ("launcher-test" if worker_id == "master" else f"launcher-test-{worker_id}")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_it_serves_and_leaves_no_process_behind(data_dir, signum):
    tracker = Tracker(data_dir)
    health = tracker.wait_healthy()
    assert health["database"] is True and health["broker"] is True

    status, body = get(tracker.url("/admin/login/"))
    assert status == 200 and b"csrfmiddlewaretoken" in body
    started = tracker.processes()
    names = {p.name() for p in started}
    assert "postgres" in names and any("gunicorn" in " ".join(p.cmdline()) for p in started)
    assert sum("celery" in " ".join(p.cmdline()) for p in started) >= 2, "a worker and a beat"

    assert tracker.stop(signum) == 0
    time.sleep(1)
    assert still_alive(started) == [], tracker.output()
    assert "stopping the embedded PostgreSQL" in tracker.output()


def test_it_adopts_and_stops_a_database_left_by_a_killed_launcher(data_dir):
    killed = Tracker(data_dir)
    killed.wait_healthy()
    started = killed.processes()
    killed.stop(signal.SIGKILL)
    # Its children follow it (they get SIGTERM when their parent dies); PostgreSQL cannot.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        survivors = still_alive(started)
        if all("postgres" in line for line in survivors):
            break
        time.sleep(0.5)
    assert len(survivors) >= 1 and all("postgres" in line for line in survivors), survivors
    shared = data_dir / "pg.running.json"
    assert json.loads(shared.read_text())["pid"] == killed.process.pid, "a killed launcher leaves its state"

    again = Tracker(data_dir)
    again.wait_healthy()
    assert "adopting the PostgreSQL server" in again.output()
    assert json.loads(shared.read_text())["pid"] == again.process.pid
    started_again = again.processes()
    assert again.stop(signal.SIGTERM) == 0
    time.sleep(1)
    assert still_alive(started + started_again) == [], again.output()
    assert not shared.exists()


def test_it_says_how_to_choose_another_port_when_its_own_is_taken(data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        tracker = Tracker(data_dir, port=taken.getsockname()[1])
        assert tracker.process.wait(timeout=60) != 0
    assert f"TRACKER_PORT={tracker.port + 1} make run" in tracker.output()
    assert "starting the embedded PostgreSQL" not in tracker.output(), "it checks the port before starting anything"


def test_commands_in_a_second_terminal_use_the_running_tracker(data_dir, tmp_path):
    tracker = Tracker(data_dir)
    tracker.wait_healthy()
    assert "use this tracker's database" in tracker.output()
    postmaster = tracker.postmaster_pid()
    started = tracker.processes()
    # Unique per run: the data folder, and so its database, outlives the test.
    token = uuid.uuid4().hex[:12]
    username, password = f"curator-{token}", f"not-a-default-{token}"
    report = tmp_path / "report.txt"
    report.write_text(
        f"BRUSSELS, Dec. 8, 2011 – NATO Secretary General Anders Fogh Rasmussen said on Thursday ({token}) "
        "that the Alliance proposes two joint centres for missile defence.\n"
    )

    created = tracker.exec(
        sys.executable, "manage.py", "createsuperuser", "--noinput",
        DJANGO_SUPERUSER_USERNAME=username, DJANGO_SUPERUSER_EMAIL=f"{token}@example.org",
        DJANGO_SUPERUSER_PASSWORD=password,
    )  # fmt: skip
    assert created.returncode == 0, created.stdout
    ingested = tracker.exec(sys.executable, "manage.py", "ingest", str(report), "--title", f"Two centres {token}")
    assert ingested.returncode == 0, ingested.stdout
    for result in (created, ingested):
        assert "using the database of the tracker running in launcher pid" in result.stdout
        assert "embedded PostgreSQL" not in result.stdout, "a command beside the tracker starts and stops nothing"
    assert tracker.postmaster_pid() == postmaster and tracker.process.poll() is None

    # Both landed where the tracker's own web server reads: the new user signs in and finds the document.
    browser = sign_in(tracker, username, password)
    with browser.open(tracker.url(f"/admin/positions/document/?q={token}"), timeout=10) as response:
        assert f"Two centres {token}" in response.read().decode()

    assert tracker.stop(signal.SIGTERM) == 0
    psutil.wait_procs(started, timeout=10)  # killed process groups: give the kernel its moment
    assert still_alive(started) == [], tracker.output()
    assert running_from(data_dir) == [], tracker.output()


@pytest.fixture
def held_database(tmp_path, monkeypatch) -> launcher.EmbeddedPostgres:
    """The embedded database of a data folder, locked as a launcher in another terminal holds it."""
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TRACKER_LAUNCH_MODE", raising=False)
    # The launcher sets os.environ itself, as it must for the commands it runs; monkeypatch would not
    # undo a variable it never saw (a CELERY_BROKER_URL left behind sent this process's tasks elsewhere).
    environment = dict(os.environ)
    with (tmp_path / "pg.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield launcher.EmbeddedPostgres(tmp_path / "pg")
    os.environ.clear()
    os.environ.update(environment)


def test_exec_takes_the_database_and_broker_a_running_tracker_published(held_database, monkeypatch):
    url, broker = os.environ["DATABASE_URL"], "redis://127.0.0.1:6379/14"
    held_database.publish({"DATABASE_URL": url, "CELERY_BROKER_URL": broker})  # this process plays the tracker
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    with launcher.prepared_environment(joining=True) as started:
        assert started is None, "it starts no database of its own"
        assert (os.environ["DATABASE_URL"], os.environ["CELERY_BROKER_URL"]) == (url, broker)


def test_exec_keeps_a_broker_set_in_its_own_terminal(held_database, monkeypatch):
    held_database.publish(
        {"DATABASE_URL": os.environ["DATABASE_URL"], "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14"}
    )
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
    with launcher.prepared_environment(joining=True):
        assert os.environ["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/13"


def test_exec_refuses_the_state_of_a_launcher_that_is_gone(held_database, monkeypatch):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    state = {"pid": int(gone.stdout), "environment": {"DATABASE_URL": os.environ["DATABASE_URL"]}}
    held_database.state_file.write_text(json.dumps(state))
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(SystemExit, match="starting or stopping"), launcher.prepared_environment(joining=True):
        pass


def test_exec_refuses_a_database_held_by_a_launcher_that_does_not_share_it(held_database, monkeypatch):
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(SystemExit, match="without sharing it"), launcher.prepared_environment(joining=True):
        pass


def test_run_refuses_a_database_another_launcher_holds(held_database, monkeypatch):
    held_database.publish({"DATABASE_URL": os.environ["DATABASE_URL"]})
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(SystemExit, match="Another launcher is using"), launcher.prepared_environment():
        pass


def test_the_tests_do_not_inherit_a_deployment_s_cache(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/5")
    assert launcher.without_deployment_settings() == ["CACHE_URL"]
    assert "CACHE_URL" not in os.environ
    assert launcher.without_deployment_settings() == []  # nothing set: nothing said
