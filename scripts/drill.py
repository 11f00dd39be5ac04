"""Shared pieces of the fault and load drills: pages served on 127.0.0.1, a scratch database, workers, the books.

The drills (`scripts/fault_*.py`, `scripts/load_worker.py`) import it; run as a program it is a
Celery worker for drills: `python scripts/drill.py worker …` starts the tracker's worker; with
DRILL_POISON_LOG=FILE set, an item whose URL contains "/poison-kill/" kills its pool process
(SIGKILL) and one under "/poison-raise/" raises, every time they are processed; each task
started and each run of a poison is written to FILE. Production code is never patched on disk.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))


def page(n: int) -> bytes:
    words = [f"w{(n * 7919 + i * 104729) % 100003}" for i in range(220)]
    text = " ".join(words)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Report {n}</title></head><body>"
        f"<article><h1>Report {n}</h1><p>Report number {n} of the fault drill. {text}.</p></article></body></html>"
    ).encode()


def corpus_pages(folder: Path | None = None) -> Callable[[int], bytes] | None:
    """Pages made of the real documents of ../shared/corpus/raw (else the project's copy in tests/data), cycled;
    each one made distinct by its number."""
    import html

    shared = BASE_DIR.parent / "shared" / "corpus" / "raw"
    folder = folder or (shared if shared.is_dir() else BASE_DIR / "tests" / "data" / "corpus" / "raw")
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))] if folder.is_dir() else []
    if not texts:
        return None

    def real_page(n: int) -> bytes:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in texts[n % len(texts)].split("\n\n") if p.strip())
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>Report {n}</title></head><body><article>"
            f"<h1>Report {n}</h1><p>Copy number {n} of this report.</p>{paragraphs}</article></body></html>"
        ).encode()

    return real_page


def serve(
    documents: int, *, delay: float = 0.0, poison: dict[int, str] | None = None, body: Callable[[int], bytes] = page
) -> tuple[ThreadingHTTPServer, str]:
    """A feed of `documents` entries and their pages (`body`); `poison` maps entry numbers to "kill" or "raise"."""
    poison = poison or {}
    make_page = body

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/feed.xml":
                items = "".join(
                    f"<item><guid>drill-{n}</guid><link>{base}/{'poison-' + poison[n] if n in poison else 'r'}/{n}"
                    f"</link><title>Report {n}</title></item>"
                    for n in range(documents)
                )
                body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Drill</title>{items}</channel></rss>'
                body, kind = body.encode(), "application/rss+xml"
            else:
                time.sleep(delay)
                body, kind = make_page(int(self.path.rsplit("/", 1)[1])), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def scratch_database_url(prefix: str = "tracker_fault") -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{prefix}_{uuid.uuid4().hex[:8]}"))


def prepare(*, claim_seconds: int, task_time_limit: int, prefix: str = "fault", **extra: str) -> str:
    """Point this process at a scratch database and a queue of its own, migrate, set Django up; returns the queue."""
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    os.environ["DATABASE_URL"] = scratch_database_url(f"tracker_{prefix}")
    os.environ |= {
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        "INGEST_CLAIM_SECONDS": str(claim_seconds),
        "CELERY_TASK_TIME_LIMIT": str(task_time_limit),
        **extra,
    }
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    from tracker.launcher import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR, check=True)
    import django

    django.setup()
    return queue


def start_worker(log: Path, *, concurrency: int = 2, env: dict | None = None) -> subprocess.Popen:
    env = dict(env or os.environ)
    args = [sys.executable, str(Path(__file__).resolve()), "worker", "--concurrency", str(concurrency)]
    args += ["--loglevel", "INFO", "--without-mingle", "--without-gossip", "--queues", env["CELERY_TASK_DEFAULT_QUEUE"]]
    log.parent.mkdir(exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=out, stderr=out, start_new_session=True)


def stop_worker(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def wait_until(condition: Callable[[], bool], *, deadline: float, what: str, every: float = 0.1, tick=None) -> None:
    """Poll `condition` until true; `deadline` is a time.monotonic() value; `tick` runs at each poll."""
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        if tick:
            tick()
        time.sleep(every)


def sweep_until_closed(queue: str, *, deadline: float, every: float = 3.0) -> None:
    """Send the sweeper the way beat would until no item is pending or processing."""
    from positions.models import Item
    from positions.tasks import requeue_stalled_items

    def open_items() -> bool:
        return Item.objects.filter(state__in=["pending", "processing"]).exists()

    while open_items():
        if time.monotonic() > deadline:
            raise RuntimeError("items still open at the deadline")
        requeue_stalled_items.apply_async(queue=queue)
        time.sleep(every)


def books(expected_documents: int) -> tuple[dict, bool]:
    """The ingest's books: documents, items by state, doubles, runs balanced. Returns (figures, all good)."""
    from django.db.models import Count

    from positions.models import Document, IngestRun, Item, Statement

    documents = Document.objects.count()
    states = dict(Item.objects.values_list("state").annotate(n=Count("pk")))
    per_document = Item.objects.values("document").exclude(document=None).annotate(n=Count("pk"))
    doubled = per_document.filter(n__gt=1).count()
    same_text = Document.objects.values("content_hash").annotate(n=Count("pk")).filter(n__gt=1).count()
    statements_twice = (
        Statement.objects.values("document", "start", "end").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    runs = list(IngestRun.objects.all())
    balanced = all(run.pending == 0 and run.finished_at for run in runs)
    figures = {
        "documents": documents,
        "items by state": states,
        "documents with two items": doubled,
        "texts stored twice": same_text,
        "statements stored twice": statements_twice,
        "runs": len(runs),
        "entries accounted (new+duplicate+no text+failed)": sum(
            r.new + r.duplicate + r.no_text + r.failed for r in runs
        ),
        "entries seen": sum(run.seen - run.known for run in runs),
        "runs balanced": balanced,
    }
    good = documents == expected_documents and doubled == 0 and same_text == 0 and statements_twice == 0 and balanced
    return figures, good


def queue_length(queue: str) -> int:
    """Messages of `queue` still in the broker: ready ones, plus (Redis) delivered but unacknowledged ones."""
    from tracker.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2)  # fail fast when the broker is gone
        channel = conn.default_channel
        if conn.transport_cls != "redis":
            return channel.queue_declare(queue=queue, passive=True).message_count
        ready = sum(channel.client.llen(key) for key in channel.client.keys(f"{queue}*"))
        return ready + len(_unacked(channel, queue))


def _unacked(channel, queue: str) -> list[bytes]:
    import json

    entries = channel.client.hgetall(channel.unacked_key).items()
    return [tag for tag, value in entries if json.loads(value)[2] == queue]


def queue_forget(queue: str) -> None:
    """Delete the drill's queue and its leftovers (a SIGKILLed worker leaves unacked messages in Redis)."""
    from tracker.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2)  # fail fast when the broker is gone
        channel = conn.default_channel
        if conn.transport_cls != "redis":
            channel.queue_delete(queue)
            return
        client = channel.client
        for tag in _unacked(channel, queue):
            client.hdel(channel.unacked_key, tag)
            client.zrem(channel.unacked_index_key, tag)
        keys = client.keys(f"{queue}*") + client.keys(f"_kombu.binding*.{queue}")
        if keys:
            client.delete(*keys)


def report(figures: dict, passed: bool, log: Path | None = None) -> int:
    for name, value in figures.items():
        print(f"{name:>50}: {value}")
    print("PASS" if passed else "FAIL", f"(worker log: {log})" if log else "", flush=True)
    from django.db import connections

    connections.close_all()
    return 0 if passed else 1


def run(main: Callable[[], int]) -> None:
    """Run a drill's main and drop its scratch database whatever happens; exit with its code."""
    code = 1
    try:
        code = main()
    finally:
        queue = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "")
        if queue.split("-")[0] in {"fault", "dbterm", "broker", "poison", "load", "upload"}:
            try:
                queue_forget(queue)
            except Exception as exc:  # a broker left down by a failed drill must not hide the result
                print(f"could not delete the queue {queue}: {exc!r}")
        if "/tracker_" in os.environ.get("DATABASE_URL", ""):
            from tracker.launcher import drop_database

            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # Django may not be set up yet
                pass
            drop_database(os.environ["DATABASE_URL"])
    sys.exit(code)


def _poison_worker(record: str) -> None:
    from celery.signals import task_prerun, worker_init

    @task_prerun.connect(weak=False)
    def record_delivery(task=None, args=None, **kwargs) -> None:
        with open(record, "a") as out:
            out.write(f"{os.getpid()} {task.name} {list(args or ())}\n")

    @worker_init.connect(weak=False)
    def poison_the_pipeline(**kwargs) -> None:
        # Patched in the main process before the pool forks, so every pool process inherits it.
        from positions import pipeline

        real = pipeline.entry_text

        def entry_text(**kw):
            url = kw.get("url") or ""
            if "/poison-" in url:
                with open(record, "a") as out:
                    out.write(f"{os.getpid()} poison {url}\n")
            if "/poison-kill/" in url:
                os.kill(os.getpid(), signal.SIGKILL)
            if "/poison-raise/" in url:
                raise RuntimeError("drill poison: this item breaks its task every time")
            return real(**kw)

        pipeline.entry_text = entry_text


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    if os.environ.get("DRILL_POISON_LOG"):
        _poison_worker(os.environ["DRILL_POISON_LOG"])
    from tracker.celery import app

    app.worker_main(sys.argv[1:])
