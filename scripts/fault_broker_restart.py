"""Fault injection: restart the broker (Redis or RabbitMQ) half-way through a 200-document ingest.

    make fault-broker-restart      (both brokers, one after the other)
    python -m tracker.launcher exec python scripts/fault_broker_restart.py redis|rabbitmq|redis:PORT

Serves 200 pages on 127.0.0.1 and ingests them through a real worker into a scratch database;
once about half the documents are stored it stops the broker, leaves it down a few seconds and
starts it again with this machine's own commands (Redis: `redis-cli shutdown nosave`, then the
same `redis-server --daemonize yes …` line; RabbitMQ: `rabbitmqctl stop_app` / `start_app`).
`redis:PORT` runs a private Redis on PORT with the same options instead (started, restarted and
stopped by the drill), for a machine whose Redis others are using. The worker reconnects by
itself; beat's sweeper (sent here every few seconds) re-sends the items whose messages the restart
lost. Passes when there are exactly 200 documents and 200 items done,
nothing stored twice and every run balanced. Redis here keeps no data on disk (`--save ""`), so
its restart loses every queued message: the database, not the broker, is what must not lose work.
"""

import os
import subprocess
import sys
import time

import drill

DOCUMENTS = 200
PAGE_DELAY = 0.2
CLAIM_SECONDS = 12
TASK_TIME_LIMIT = 8
DEADLINE = 300
DOWN_SECONDS = 3
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
    "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


def redis_start(port: str) -> list[str]:
    if port == "6379":
        return REDIS_START
    # A private server for the drill, so that a shared machine's Redis is not restarted under others.
    return [*REDIS_START[:5], "--port", port, "--save", "", "--appendonly", "no", "--dir", "/tmp"]


def broker_up(kind: str, port: str) -> bool:
    if kind == "redis":
        ping = subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True, text=True)
        return ping.stdout.strip() == "PONG"
    status = subprocess.run(["rabbitmqctl", "await_startup", "--timeout", "1"], capture_output=True)
    return status.returncode == 0


def restart_broker(kind: str, port: str) -> float:
    """Stop the broker, keep it down DOWN_SECONDS, start it; returns the seconds it was unavailable."""
    down = time.monotonic()
    if kind == "redis":
        subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
        drill.wait_until(lambda: not broker_up(kind, port), deadline=down + 20, what="Redis to stop")
        time.sleep(DOWN_SECONDS)
        subprocess.run(redis_start(port), check=True, capture_output=True)
    else:
        subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True)
        time.sleep(DOWN_SECONDS)
        subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True)
    drill.wait_until(lambda: broker_up(kind, port), deadline=down + 60, what=f"{kind} to come back", every=0.2)
    return round(time.monotonic() - down, 1)


def main(kind: str, port: str) -> int:
    if kind == "rabbitmq":
        os.environ["CELERY_BROKER_URL"] = RABBITMQ_URL
    elif port != "6379":
        subprocess.run(redis_start(port), check=True, capture_output=True)
        drill.wait_until(lambda: broker_up(kind, port), deadline=time.monotonic() + 20, what="the private Redis")
        os.environ["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{port}/0"
    elif not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://127.0.0.1:6379/"):
        os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/10"
    queue = drill.prepare(claim_seconds=CLAIM_SECONDS, task_time_limit=TASK_TIME_LIMIT, prefix="broker")
    from django.db.models import Count

    from positions.models import Document, Item, Source
    from positions.tasks import poll_source

    server, base = drill.serve(DOCUMENTS, delay=PAGE_DELAY)
    log = drill.BASE_DIR / "var" / f"{queue}.log"
    worker = drill.start_worker(log)
    figures: dict[str, object] = {"broker": os.environ["CELERY_BROKER_URL"].split("@")[-1]}
    started = time.monotonic()
    deadline = started + DEADLINE
    try:
        source = Source.objects.create(name="broker drill", kind="feed", url=f"{base}/feed.xml")
        poll_source.apply_async((source.pk, "fault-drill"), queue=queue)
        drill.wait_until(lambda: Document.objects.count() >= DOCUMENTS // 2, deadline=deadline, what="half")
        figures["documents at the restart"] = Document.objects.count()
        figures["items pending (queued) at the restart"] = Item.objects.filter(state="pending").count()
        figures["seconds the broker was unavailable"] = restart_broker(kind, port)
        restarted = time.monotonic()
        drill.sweep_until_closed(queue, deadline=deadline)
        figures["seconds from the restart to the last item"] = round(time.monotonic() - restarted, 1)
        time.sleep(2)  # let redelivered duplicates, if any, arrive and find nothing to do
        figures["worker still running"] = worker.poll() is None
    finally:
        figures["seconds"] = round(time.monotonic() - started, 1)
        drill.stop_worker(worker)
        server.shutdown()

    attempts = dict(Item.objects.values_list("attempts").annotate(n=Count("pk")).order_by("attempts"))
    figures["items by attempts (attempts: items)"] = attempts
    books, good = drill.books(DOCUMENTS)
    figures |= books
    passed = good and books["items by state"] == {"done": DOCUMENTS} and figures["worker still running"]
    return drill.report(figures, passed, log)


def main_and_stop_private_redis(kind: str, port: str) -> int:
    try:
        return main(kind, port)
    finally:
        if kind == "redis" and port != "6379":
            subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)


if __name__ == "__main__":
    broker, _, redis_port = (sys.argv[1] if len(sys.argv) > 1 else "redis").partition(":")
    if broker not in {"redis", "rabbitmq"} or not (redis_port or "6379").isdigit():
        sys.exit("usage: fault_broker_restart.py redis|redis:PORT|rabbitmq")
    drill.run(lambda: main_and_stop_private_redis(broker, redis_port or "6379"))
