"""Tasks run by a real worker process through the configured broker, writing to the real database."""

import time

import pytest

from positions.models import WorkerHeartbeat
from positions.tasks import heartbeat

pytestmark = pytest.mark.worker


def test_it_records_a_heartbeat_from_a_real_worker(celery_worker_process):
    assert not WorkerHeartbeat.objects.exists()
    heartbeat.apply_async(queue=celery_worker_process.queue)

    deadline = time.monotonic() + 60
    while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)

    beat = WorkerHeartbeat.objects.get()
    assert beat.worker.startswith(celery_worker_process.queue + "@")
    assert "positions.heartbeat" in celery_worker_process.output()
    assert "succeeded" in celery_worker_process.output()
