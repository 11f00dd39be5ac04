"""Fault injection: items whose task dies every time it runs (kills its worker process, or raises).

    make fault-poison-task        (or: python -m tracker.launcher exec python scripts/fault_poison_task.py)

Serves a feed of 20 pages on 127.0.0.1; two entries are poison: processing one kills the pool
process with SIGKILL, processing the other raises an unexpected exception, every time (the drill
worker, `scripts/drill.py`, patches the pipeline in memory and records each task it starts).
A real worker and broker ingest the feed into a scratch database while the sweeper is sent the
way beat would. Passes when each poison item was run by at most 3 deliveries (INGEST_MAX_ATTEMPTS) and ended
failed with its error recorded on the item and in the run's errors, the 18 good items are done,
the run is balanced, the worker is still up and the queue is empty.
"""

import os
import time

import drill

DOCUMENTS = 20
POISON = {18: "kill", 19: "raise"}
CLAIM_SECONDS = 12
TASK_TIME_LIMIT = 8
DEADLINE = 180
MAX_RUNS = 3


def main() -> int:
    queue = drill.prepare(claim_seconds=CLAIM_SECONDS, task_time_limit=TASK_TIME_LIMIT, prefix="poison")
    from django.conf import settings

    from positions.models import IngestRun, Item, Source
    from positions.tasks import poll_source

    server, base = drill.serve(DOCUMENTS, poison=POISON)
    log = drill.BASE_DIR / "var" / f"{queue}.log"
    deliveries = drill.BASE_DIR / "var" / f"{queue}.deliveries"
    worker = drill.start_worker(log, env={**os.environ, "DRILL_POISON_LOG": str(deliveries)})
    figures: dict[str, object] = {"INGEST_MAX_ATTEMPTS": settings.INGEST_MAX_ATTEMPTS}
    started = time.monotonic()
    try:
        source = Source.objects.create(name="poison drill", kind="feed", url=f"{base}/feed.xml")
        poll_source.apply_async((source.pk, "fault-drill"), queue=queue)
        drill.wait_until(Item.objects.exists, deadline=started + 30, what="the poll")
        drill.sweep_until_closed(queue, deadline=started + DEADLINE)
        time.sleep(3)  # redeliveries, if any, arrive now
        figures["worker still running"] = worker.poll() is None
        figures["messages left in the queue"] = drill.queue_length(queue)
    finally:
        figures["seconds"] = round(time.monotonic() - started, 1)
        drill.stop_worker(worker)
        server.shutdown()

    started_tasks = [line.split(" ", 2)[1:] for line in deliveries.read_text().splitlines()]
    passed = figures["worker still running"] and figures["messages left in the queue"] == 0
    run = IngestRun.objects.get()
    for n, kind in POISON.items():
        item = Item.objects.get(key=f"drill-{n}")
        starts = sum(1 for name, args in started_tasks if name == "positions.process_item" and args == f"[{item.pk}]")
        runs = sum(1 for name, args in started_tasks if name == "poison" and args == item.url)
        in_run = [e for e in run.errors if e["url"] == item.url]
        figures[f"{kind}: task starts (incl. redeliveries that found it claimed)"] = starts
        figures[f"{kind}: deliveries that ran it (and died)"] = runs
        figures[f"{kind}: item state / attempts"] = f"{item.state} / {item.attempts}"
        figures[f"{kind}: item error"] = f"{item.stage}: {item.error}"
        figures[f"{kind}: error in the run's errors"] = bool(in_run)
        passed = passed and item.state == "failed" and bool(item.error) and bool(in_run) and 0 < runs <= MAX_RUNS
    books, good = drill.books(DOCUMENTS - len(POISON))
    figures |= books
    passed = passed and good and books["items by state"] == {"done": DOCUMENTS - len(POISON), "failed": len(POISON)}
    return drill.report(figures, passed, log)


if __name__ == "__main__":
    drill.run(main)
