"""Load: the worker pool under a backlog of 2,000 documents, with the memory of every worker process sampled.

    make load-worker        (or: python -m tracker.launcher exec python scripts/load_worker.py [DOCUMENTS])

Serves a feed of 2,000 distinct article pages on 127.0.0.1 (the real documents of ../shared/corpus/raw
or tests/data/corpus/raw, cycled, each made distinct by its number, so that statement extraction works
on real English; synthetic pages when the corpus is missing), polls it once (2,000 process_item
tasks queued at once) and lets one worker with the default pool (prefork, CELERY_WORKER_CONCURRENCY
processes, production settings otherwise) work the backlog into a scratch database, sampling the
resident memory (RSS, psutil) of the worker's main process and of every pool process twice a
second. Passes when all 2,000 documents are stored once, the run is balanced, and no worker
process ever went above RSS_BOUND_MB. Prints the throughput, the largest RSS of each process,
and each pool process's RSS after its first 10% of the backlog and at the end (growth).
"""

import sys
import threading
import time

import drill
import psutil

DOCUMENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
RSS_BOUND_MB = 300
DEADLINE = 1200


class Sampler(threading.Thread):
    """RSS of a process tree, twice a second: the largest per process, and the first sample past warm-up."""

    def __init__(self, pid: int, warm: threading.Event):
        super().__init__(daemon=True)
        self.pid, self.warm = pid, warm
        self.largest: dict[int, float] = {}
        self.after_warmup: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.samples = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                root = psutil.Process(self.pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in tree:
                try:
                    rss = process.memory_info().rss / 2**20
                except psutil.NoSuchProcess:
                    continue
                self.largest[process.pid] = max(rss, self.largest.get(process.pid, 0))
                self.last[process.pid] = rss
                if self.warm.is_set():
                    self.after_warmup.setdefault(process.pid, rss)
            self.samples += 1
            self.stop.wait(0.5)


def main() -> int:
    queue = drill.prepare(claim_seconds=360, task_time_limit=300, prefix="load")
    from django.conf import settings

    from positions.models import Document, Source
    from positions.tasks import poll_source

    real = drill.corpus_pages()
    server, base = drill.serve(DOCUMENTS, body=real or drill.page)
    log = drill.BASE_DIR / "var" / f"{queue}.log"
    worker = drill.start_worker(log, concurrency=settings.CELERY_WORKER_CONCURRENCY)
    warm = threading.Event()
    sampler = Sampler(worker.pid, warm)
    sampler.start()
    figures: dict[str, object] = {"documents queued": DOCUMENTS, "pool processes": settings.CELERY_WORKER_CONCURRENCY}
    figures["pages"] = "the real corpus, cycled" if real else "synthetic (no corpus found)"
    figures["worker_max_tasks_per_child / worker_max_memory_per_child"] = (
        f"{getattr(settings, 'CELERY_WORKER_MAX_TASKS_PER_CHILD', None)} / "
        f"{getattr(settings, 'CELERY_WORKER_MAX_MEMORY_PER_CHILD', None)}"
    )
    started = time.monotonic()
    try:
        source = Source.objects.create(name="load drill", kind="feed", url=f"{base}/feed.xml")
        poll_source.apply_async((source.pk, "load-drill"), queue=queue)
        drill.wait_until(lambda: Document.objects.count() >= DOCUMENTS // 10, deadline=started + DEADLINE, what="10%")
        warm.set()
        first_tenth = time.monotonic()
        figures["seconds for the first 10%"] = round(first_tenth - started, 1)
        drill.sweep_until_closed(queue, deadline=started + DEADLINE, every=5)
        figures["seconds"] = round(time.monotonic() - started, 1)
        figures["documents/s after the first 10%"] = round(
            (Document.objects.count() - DOCUMENTS // 10) / (time.monotonic() - first_tenth), 1
        )
    finally:
        sampler.stop.set()
        sampler.join()
        drill.stop_worker(worker)
        server.shutdown()

    def mb(values: dict[int, float]) -> dict[int, float]:
        return {pid: round(rss, 1) for pid, rss in sorted(values.items())}

    figures["RSS samples taken"] = sampler.samples
    figures["largest RSS per process, MB (pid: MB; first is the main process)"] = mb(sampler.largest)
    figures["RSS after the first 10%, MB"] = mb(sampler.after_warmup)
    figures["RSS at the end, MB"] = mb(sampler.last)
    largest = max(sampler.largest.values(), default=0)
    figures[f"largest RSS of any worker process, MB (bound {RSS_BOUND_MB})"] = round(largest, 1)
    books, good = drill.books(DOCUMENTS)
    figures |= books
    passed = good and books["items by state"] == {"done": DOCUMENTS} and 0 < largest <= RSS_BOUND_MB
    return drill.report(figures, passed, log)


if __name__ == "__main__":
    drill.run(main)
