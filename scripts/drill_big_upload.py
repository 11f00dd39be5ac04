"""Drill: a 5 MB one-line text through the API upload, then a 50 MB one, behind gunicorn with a real worker.

    make drill-big-upload        (or: python -m tracker.launcher exec python scripts/drill_big_upload.py)

The text is "Russia demands guarantees on missile defence, Lavrov said, " repeated to 5,155,479 bytes
on one line: before uploads were queued it held a gunicorn worker for 30 s until it was killed.
Starts gunicorn (deploy/gunicorn.conf.py, 2 workers) and one worker process on a scratch database
and upload folder, asks /healthz every quarter second throughout, and samples the worker's RSS.
Passes when the upload answers 202 within 2 s, its item ends (done, or failed with its reason and
the document kept) within the document's time budget plus a minute, every /healthz answered 200,
and a 50 MB upload is refused (400 or 413) with no file and no item left behind.
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import drill
from load_api import free_port
from load_worker import Sampler

LINE = "Russia demands guarantees on missile defence, Lavrov said, "
BIG_BYTES = 5_155_479
HUGE_BYTES = 50 * 1024 * 1024
ANSWER_SECONDS = 2.0


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
    head += "Content-Type: text/plain\r\n\r\n"
    return head.encode() + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def call(url: str, token: str, *, body: bytes | None = None, content_type: str = "") -> tuple[int, dict, float]:
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    if content_type:
        headers["Content-Type"] = content_type
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = {"body": raw[:200].decode(errors="replace")}
    return status, payload, time.monotonic() - started


class Health(threading.Thread):
    """/healthz every quarter second: the status of every answer (or the error)."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.answers, self.stop = url, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    self.answers.append(response.status)
            except urllib.error.HTTPError as exc:
                self.answers.append(exc.code)
            except OSError as exc:
                self.answers.append(repr(exc))
            self.stop.wait(0.25)


def main() -> int:
    folder = drill.BASE_DIR / "var" / f"upload-drill-{uuid.uuid4().hex[:8]}"
    queue = drill.prepare(claim_seconds=360, task_time_limit=300, prefix="upload", UPLOAD_DIR=str(folder))
    from django.conf import settings
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from positions.models import Document, Item

    user = User.objects.create_superuser("drill", "drill@example.org", password=None)
    token = Token.objects.create(user=user).key
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = drill.BASE_DIR / "var" / f"{queue}.log"
    log.parent.mkdir(exist_ok=True)
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"}
    env["PYTHONWARNINGS"] = "ignore:No directory at"  # whitenoise: no collectstatic for a JSON-only run
    with log.open("ab") as out:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "tracker.wsgi"],
            cwd=drill.BASE_DIR, env=env, stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
    worker = drill.start_worker(log, concurrency=1)
    sampler = Sampler(worker.pid, threading.Event())
    health = Health(f"{base}/healthz")
    figures: dict[str, object] = {
        "INGEST_MAX_CHARACTERS / INGEST_DOCUMENT_SECONDS": (
            f"{settings.INGEST_MAX_CHARACTERS:,} / {settings.INGEST_DOCUMENT_SECONDS}"
        ),
        "upload size cap (FETCH_MAX_DECOMPRESSED), bytes": f"{settings.FETCH_MAX_DECOMPRESSED:,}",
    }
    passed = False
    try:

        def web_up() -> bool:
            try:
                return call(f"{base}/healthz", token)[0] == 200
            except OSError:
                return False

        drill.wait_until(web_up, deadline=time.monotonic() + 60, what="web", every=0.5)
        drill.wait_until(
            lambda: "ready." in log.read_text(errors="replace"), deadline=time.monotonic() + 60, what="worker"
        )
        sampler.start()
        health.start()

        big = (LINE * (BIG_BYTES // len(LINE) + 1)).encode()[:BIG_BYTES]
        body, kind = multipart("lavrov.txt", big)
        status, answer, seconds = call(f"{base}/api/v1/documents/upload", token, body=body, content_type=kind)
        sent_at = time.monotonic()
        figures["5 MB upload: bytes, status, seconds to answer"] = f"{len(big):,}, {status}, {seconds:.2f}"
        item_url = answer["items"][0]["status_url"] if status == 202 else ""
        item: dict = {}

        def finished() -> bool:
            nonlocal item
            item = call(item_url, token)[1]
            return bool(item.get("done"))

        budget = settings.INGEST_DOCUMENT_SECONDS + 60
        if item_url:
            drill.wait_until(finished, deadline=sent_at + budget, what="the item", every=0.25)
        extracted = time.monotonic() - sent_at
        figures["item: state, stage, error"] = f"{item.get('state')}, {item.get('stage')}: {item.get('error')}"
        figures["seconds from the answer to the item's end"] = round(extracted, 1)
        kept = Document.objects.filter(pk=item.get("document")).values_list("text", flat=True).first() or ""
        figures["document kept: characters"] = f"{len(kept):,}"

        files_before = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
        items_before = Item.objects.count()
        body, kind = multipart("huge.txt", b"x" * HUGE_BYTES)
        huge_status, huge_answer, huge_seconds = call(
            f"{base}/api/v1/documents/upload", token, body=body, content_type=kind
        )
        files_after = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
        message = huge_answer.get("error", {}).get("fields", {}).get("files", [huge_answer])[0]
        figures["50 MB upload: status, seconds, message"] = f"{huge_status}, {huge_seconds:.2f}, {message}"
        figures["files in the upload folder before / after it"] = f"{len(files_before)} / {len(files_after)}"
        figures["items before / after it"] = f"{items_before} / {Item.objects.count()}"
        time.sleep(1)
    finally:
        health.stop.set()
        sampler.stop.set()
        drill.stop_worker(worker)
        drill.stop_worker(gunicorn)
    if health.is_alive():
        health.join()
    not_ok = [answer for answer in health.answers if answer != 200]
    figures["/healthz answers during the drill (not 200)"] = f"{len(health.answers)} ({len(not_ok)}: {not_ok[:5]})"
    pids = sorted(sampler.largest)
    figures["worker peak RSS, MB (main process, pool process)"] = [round(sampler.largest[p], 1) for p in pids]
    ended = item.get("state") == "done" or (item.get("state") == "failed" and item.get("error") and kept)
    passed = (
        status == 202
        and seconds < ANSWER_SECONDS
        and bool(ended)
        and extracted < budget
        and health.answers
        and not not_ok
        and huge_status in (400, 413)
        and files_after == files_before
        and Item.objects.count() == items_before
    )
    for path in folder.iterdir() if folder.exists() else []:
        path.unlink()
    if folder.exists():
        folder.rmdir()
    return drill.report(figures, bool(passed), log)


if __name__ == "__main__":
    drill.run(main)
