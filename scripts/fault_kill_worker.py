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
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DOCUMENTS = 200
PAGE_DELAY = 0.2  # seconds per page, so that the kill finds items half-done
CLAIM_SECONDS = "12"  # short leases, so that the sweeper picks up the dead worker's items soon
TASK_TIME_LIMIT = "8"
DEADLINE = 240


def page(n: int) -> bytes:
    words = [f"w{(n * 7919 + i * 104729) % 100003}" for i in range(220)]
    text = " ".join(words)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Report {n}</title></head><body>"
        f"<article><h1>Report {n}</h1><p>Report number {n} of the fault drill. {text}.</p></article></body></html>"
    ).encode()


def serve() -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/feed.xml":
                items = "".join(
                    f"<item><guid>drill-{n}</guid><link>{base}/r/{n}</link><title>Report {n}</title></item>"
                    for n in range(DOCUMENTS)
                )
                body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Drill</title>{items}</channel></rss>'
                body, kind = body.encode(), "application/rss+xml"
            else:
                time.sleep(PAGE_DELAY)
                body, kind = page(int(self.path.rsplit("/", 1)[1])), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def scratch_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/tracker_fault_{uuid.uuid4().hex[:8]}"))


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--concurrency", "2", "--loglevel", "INFO"]
    args += ["--without-mingle", "--without-gossip", "--queues", env["CELERY_TASK_DEFAULT_QUEUE"]]
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=out, stderr=out, start_new_session=True)


def main() -> int:
    queue = f"fault-{uuid.uuid4().hex[:8]}"
    os.environ["DATABASE_URL"] = scratch_database_url()
    os.environ |= {
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        "INGEST_CLAIM_SECONDS": CLAIM_SECONDS,
        "CELERY_TASK_TIME_LIMIT": TASK_TIME_LIMIT,
    }
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    from tracker.launcher import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR, check=True)

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from positions.models import Document, IngestRun, Item, Source
    from positions.tasks import poll_source, requeue_stalled_items

    server, base = serve()
    log = BASE_DIR / "var" / f"{queue}.log"
    log.parent.mkdir(exist_ok=True)
    env = dict(os.environ)
    worker = start_worker(env, log)
    figures: dict[str, object] = {}
    started = time.monotonic()
    try:
        source = Source.objects.create(name="fault drill", kind="feed", url=f"{base}/feed.xml")
        poll_source.apply_async((source.pk, "fault-drill"), queue=queue)

        while Document.objects.count() < DOCUMENTS // 2:
            if time.monotonic() - started > DEADLINE or worker.poll() is not None:
                raise RuntimeError("the first worker made no progress")
            time.sleep(0.05)
        in_flight = Item.objects.filter(state="processing").count()
        os.killpg(worker.pid, signal.SIGKILL)  # the main process and its pool, with no warning
        worker.wait()
        figures["documents when killed"] = Document.objects.count()
        figures["items being processed at the kill"] = in_flight

        worker = start_worker(env, log)
        while Item.objects.filter(state__in=["pending", "processing"]).exists():
            if time.monotonic() - started > DEADLINE:
                raise RuntimeError("items still open at the deadline")
            requeue_stalled_items.apply_async(queue=queue)  # what beat does every few minutes
            time.sleep(3)
        time.sleep(2)  # let redelivered duplicates, if any, arrive and find nothing to do
    finally:
        figures["seconds"] = round(time.monotonic() - started, 1)
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        server.shutdown()

    documents = Document.objects.count()
    states = dict(Item.objects.values_list("state").annotate(n=Count("pk")))
    per_document = Item.objects.values("document").annotate(n=Count("pk")).filter(n__gt=1).count()
    runs = list(IngestRun.objects.all())
    balanced = all(run.pending == 0 and run.finished_at for run in runs)
    seen = sum(run.seen - run.known for run in runs)
    figures |= {
        "documents": documents,
        "items by state": states,
        "documents with two items": per_document,
        "runs": len(runs),
        "entries accounted (new+duplicate+no text+failed)": sum(
            r.new + r.duplicate + r.no_text + r.failed for r in runs
        ),
        "entries seen": seen,
        "runs balanced": balanced,
    }
    passed = documents == DOCUMENTS and states == {"done": DOCUMENTS} and per_document == 0 and balanced
    for name, value in figures.items():
        print(f"{name:>50}: {value}")
    print("PASS" if passed else "FAIL", f"(worker log: {log})")

    connection.close()
    from django.db import connections

    connections.close_all()
    return 0 if passed else 1


if __name__ == "__main__":
    try:
        code = main()
    finally:
        from tracker.launcher import drop_database

        drop_database(os.environ["DATABASE_URL"])
    sys.exit(code)
