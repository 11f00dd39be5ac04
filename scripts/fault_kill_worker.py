"""Fault injection: `kill -9` the worker half-way through a 200-document ingest, restart it, check the books.

    make fault-kill-worker        (or: python -m tracker.launcher exec python scripts/fault_kill_worker.py)

Serves 200 article pages and their feed on 127.0.0.1, ingests them through a real worker
and broker into a scratch database, kills the worker and its pool with SIGKILL once about
half the documents are stored, starts a new worker and sends the sweeper task the way beat
would, then checks: exactly 200 Documents, no item or text twice, every run balanced.
Prints the figures and PASS or FAIL; exits 1 on FAIL.
"""

import os
import signal
import time

import drill

DOCUMENTS = 200
PAGE_DELAY = 0.2  # seconds per page, so that the kill finds items half-done
CLAIM_SECONDS = 12  # short leases, so that the sweeper picks up the dead worker's items soon
TASK_TIME_LIMIT = 8
DEADLINE = 240


def main() -> int:
    queue = drill.prepare(claim_seconds=CLAIM_SECONDS, task_time_limit=TASK_TIME_LIMIT)
    from positions.models import Document, Item, Source
    from positions.tasks import poll_source

    server, base = drill.serve(DOCUMENTS, delay=PAGE_DELAY)
    log = drill.BASE_DIR / "var" / f"{queue}.log"
    worker = drill.start_worker(log)
    figures: dict[str, object] = {}
    started = time.monotonic()
    deadline = started + DEADLINE
    try:
        source = Source.objects.create(name="fault drill", kind="feed", url=f"{base}/feed.xml")
        poll_source.apply_async((source.pk, "fault-drill"), queue=queue)

        def half_stored() -> bool:
            if worker.poll() is not None:
                raise RuntimeError("the first worker exited")
            return Document.objects.count() >= DOCUMENTS // 2

        drill.wait_until(half_stored, deadline=deadline, what="half the documents", every=0.05)
        in_flight = Item.objects.filter(state="processing").count()
        os.killpg(worker.pid, signal.SIGKILL)  # the main process and its pool, with no warning
        worker.wait()
        figures["documents when killed"] = Document.objects.count()
        figures["items being processed at the kill"] = in_flight

        worker = drill.start_worker(log)
        drill.sweep_until_closed(queue, deadline=deadline)
        time.sleep(2)  # let redelivered duplicates, if any, arrive and find nothing to do
    finally:
        figures["seconds"] = round(time.monotonic() - started, 1)
        drill.stop_worker(worker)
        server.shutdown()

    books, good = drill.books(DOCUMENTS)
    figures |= books
    passed = good and books["items by state"] == {"done": DOCUMENTS}
    return drill.report(figures, passed, log)


if __name__ == "__main__":
    drill.run(main)
