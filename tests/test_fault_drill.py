"""`make fault-kill-worker` in CI: the worker killed with SIGKILL mid-ingest loses nothing, doubles nothing."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = [pytest.mark.slow, pytest.mark.worker]


def test_a_worker_killed_mid_ingest_leaves_exactly_two_hundred_documents():
    env = {**os.environ}
    env.pop("TRACKER_LAUNCH_MODE", None)
    result = subprocess.run(
        [sys.executable, "scripts/fault_kill_worker.py"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "documents: 200" in result.stdout and "PASS" in result.stdout
