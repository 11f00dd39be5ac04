"""Shared fixtures: a real Celery worker process, and the seed negotiation loaded once per test."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
SHARED = BASE_DIR.parent / "shared"
SEED_FILE = BASE_DIR / "fixtures" / "nato-russia-missile-defence.json"


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests render pages without running collectstatic first, so no hashed-name manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def seed_data() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def seeded(db, seed_data):
    from positions.services import negotiation_seed

    negotiation_seed(data=seed_data)
    return seed_data


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
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` subprocess on the configured broker, on a queue of its own, writing
    to the test database. Stopped before the test database is flushed."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        # The same broker as this process (the SQL default would follow DATABASE_URL otherwise).
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
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
