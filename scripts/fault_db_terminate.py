"""Fault injection: `pg_terminate_backend` on the workers' database connections mid-ingest.

    make fault-db-terminate        (or: python -m tracker.launcher exec python scripts/fault_db_terminate.py)

Serves 200 pages on 127.0.0.1 and ingests them through a real worker and broker into a
scratch database; at a quarter, half and three quarters of the documents it terminates every
server backend of the scratch database except its own (the workers' connections, idle or busy).
Passes when the run completes with exactly 200 documents, nothing twice, every run balanced,
no task failed (a task whose connection is terminated gives its item back and retries on a new
connection) and nothing in the worker log says "connection already closed" / "the connection is closed".
"""

import re
import time

import drill

DOCUMENTS = 200
PAGE_DELAY = 0.2
CLAIM_SECONDS = 12
TASK_TIME_LIMIT = 8
DEADLINE = 240
CLOSED = re.compile(r"connection already closed|the connection is closed", re.I)
TASK_FAILED = re.compile(r"Task positions\.\S+\[[0-9a-f-]+\] raised unexpected")
TASK_RETRIED = re.compile(r"Task positions\.\S+\[[0-9a-f-]+\] retry:")


def terminate_other_backends() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def main() -> int:
    queue = drill.prepare(claim_seconds=CLAIM_SECONDS, task_time_limit=TASK_TIME_LIMIT, prefix="dbterm")
    from positions.models import Document, Source
    from positions.tasks import poll_source

    server, base = drill.serve(DOCUMENTS, delay=PAGE_DELAY)
    log = drill.BASE_DIR / "var" / f"{queue}.log"
    worker = drill.start_worker(log)
    figures: dict[str, object] = {}
    started = time.monotonic()
    deadline = started + DEADLINE
    terminated = []
    try:
        source = Source.objects.create(name="db drill", kind="feed", url=f"{base}/feed.xml")
        poll_source.apply_async((source.pk, "fault-drill"), queue=queue)
        for share in (4, 2, 4 / 3):
            target = int(DOCUMENTS / share)
            drill.wait_until(lambda t=target: Document.objects.count() >= t, deadline=deadline, what=f"{target} docs")
            terminated.append(terminate_other_backends())
        drill.sweep_until_closed(queue, deadline=deadline)
        time.sleep(2)
    finally:
        figures["seconds"] = round(time.monotonic() - started, 1)
        drill.stop_worker(worker)
        server.shutdown()

    text = log.read_text(errors="replace")
    lines = text.splitlines()
    failures = [line for line in lines if TASK_FAILED.search(line)]
    closed = [line for line in lines if CLOSED.search(line)]
    figures["backends terminated (at 50, 100, 150 documents)"] = terminated
    figures["tasks retried after a database error"] = sum(1 for line in lines if TASK_RETRIED.search(line))
    figures["tasks failed"] = len(failures)
    figures['"connection (already) closed" in the log'] = len(closed)
    books, good = drill.books(DOCUMENTS)
    figures |= books
    passed = good and books["items by state"] == {"done": DOCUMENTS} and sum(terminated) > 0
    passed = passed and not failures and not closed
    for line in (failures + closed)[:5]:
        print("   ", line[:200])
    return drill.report(figures, passed, log)


if __name__ == "__main__":
    drill.run(main)
