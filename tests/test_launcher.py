"""`make run`'s launcher on an embedded PostgreSQL: it serves, and leaves nothing behind when stopped."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.conf import settings

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

    def __init__(self, data_dir: Path):
        self.data_dir, self.port = data_dir, free_port()
        self.log = data_dir / f"launcher-{self.port}.log"
        env = {
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "TRACKER_LAUNCH_MODE"}
        }
        env |= {"TRACKER_DATA_DIR": str(data_dir), "TRACKER_PORT": str(self.port), "WEB_CONCURRENCY": "1"}
        env |= {"CELERY_WORKER_CONCURRENCY": "1", "STATIC_ROOT": str(data_dir / "static")}
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
                if status == 200:
                    return json.loads(body)
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"/healthz never answered 200:\n{self.output()}")

    def processes(self) -> list[psutil.Process]:
        """The launcher's children (web, worker, beat and theirs) and the PostgreSQL server."""
        found = psutil.Process(self.process.pid).children(recursive=True)
        postmaster = self.data_dir / "pg" / "postmaster.pid"
        if postmaster.exists():
            found.append(psutil.Process(int(postmaster.read_text().split()[0])))
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


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    # Under the project, not /tmp: the embedded server runs as its own user and must reach it.
    path = BASE_DIR / "var" / "launcher-test"
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

    again = Tracker(data_dir)
    again.wait_healthy()
    assert "adopting the PostgreSQL server" in again.output()
    started_again = again.processes()
    assert again.stop(signal.SIGTERM) == 0
    time.sleep(1)
    assert still_alive(started + started_again) == [], again.output()
