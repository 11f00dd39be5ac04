"""The benchmark: one table of figures, each against a baseline measured in the same run or a fixed limit.

    make bench                                   (1,000,000 statements; about 8 minutes on two cores)
    python -m tracker.launcher exec .venv/bin/python -m bench.run --smoke   (tiny: what CI runs)

Rows: ingest through a real worker and broker against the same stages in one process; extraction
against spaCy's small English pipeline run whole on the same texts; a 5 MB text on one line against
fixed limits of time and memory; compare, proposal history, statement list, search and CSV export under
load (wrk, else a threaded Python client) against a trivial JSON endpoint on the same gunicorn, measured
before and after each row; compare and search latency at the small scale against the large one. Each
database is a scratch copy of one migrated template, dropped at the end (--keep keeps the large one).
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PY_SPY = Path(PYTHON).parent / "py-spy"  # requirements-dev.txt installs it beside the project's python
# The corpus beside the project where there is one, else the project's own copy of its openly licensed texts.
SHARED_CORPUS = BASE_DIR.parent / "shared" / "corpus" / "raw"
DEFAULT_CORPUS = SHARED_CORPUS if SHARED_CORPUS.is_dir() else BASE_DIR / "tests" / "data" / "corpus" / "raw"
ENDPOINTS = ("compare", "history", "list", "search", "export")
TRIVIAL = "trivial JSON"
TRIVIAL_BESIDE = "trivial, before+after"
COLD = ("compare", "history", "list", "search")  # the cached answers, also measured with the answer cache off
GROWTH = ("compare", "search", "list")  # issue 18, acceptance 2: p50 at the large scale against the small
# Every request of the load asks for gzip, as browsers and Python's requests and httpx do: the cached answers
# go compressed, as they would to them (positions/api/answers.py). The history is also loaded without it (its
# own rows, no goal): what a client that does not ask for gzip gets.
ACCEPT_ENCODING = "gzip, deflate"
IDENTITY = "history, no gzip"


@dataclass
class Row:
    figure: str
    value: float | None
    unit: str
    baseline: float | None
    baseline_name: str
    goal: str  # about the ratio (">= 0.7", "<= 3"), with a unit about the value itself ("< 30 s"); "" none
    note: str = ""
    ratio: float | None = field(init=False, default=None)

    def __post_init__(self):
        if self.value is not None and self.baseline:
            self.ratio = self.value / self.baseline

    @property
    def met(self) -> str:
        if not self.goal:
            return "n/a"
        op, limit, *unit = self.goal.split()
        x = self.value if unit else self.ratio
        if x is None:
            return "n/a"
        ok = {
            ">=": x >= float(limit),
            "<=": x <= float(limit),
            "<": x < float(limit),
            ">": x > float(limit),
            "=": x == float(limit),
        }[op]
        return "met" if ok else "MISSED"


# --- databases ------------------------------------------------------------------------------


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


def admin(sql: str) -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


class Databases:
    """Scratch databases cloned from one migrated template (a file copy: faster than migrating each)."""

    def __init__(self, keep: bool, prefix: str):
        self.tag = uuid.uuid4().hex[:8]
        self.prefix = prefix
        self.template = f"{prefix}_{self.tag}_template"
        self.made: list[str] = []
        self.keep = keep
        self.kept: str | None = None
        admin(f'CREATE DATABASE "{self.template}"')
        self.made.append(self.template)
        manage(self.template, "migrate", "-v", "0")
        log("template database migrated")

    def clone(self, name: str) -> str:
        full = f"{self.prefix}_{self.tag}_{name}"
        admin(f'CREATE DATABASE "{full}" TEMPLATE "{self.template}"')
        self.made.append(full)
        return full

    def drop(self) -> None:
        for name in self.made:
            if name == self.kept:
                continue
            with contextlib.suppress(Exception):
                admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cache_url() -> tuple[str, str]:
    """The cache as deployed (docs/deploy.md): CACHE_URL when set, else Redis on 127.0.0.1 when it answers,
    else the database's table (CACHE_URL unset). --cache=database asks for the table whatever runs."""
    if ARGS.cache == "database":
        return "", "the database's table (CACHE_URL unset)"
    if os.environ.get("CACHE_URL"):
        return os.environ["CACHE_URL"], f"CACHE_URL={os.environ['CACHE_URL']}"
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        # Keys carry the database's name (tracker/settings.py): the scratch databases never share an answer.
        return "redis://127.0.0.1:6379/13", "Redis on 127.0.0.1 (CACHE_URL=redis://127.0.0.1:6379/13)"
    return "", "the database's table (no CACHE_URL, no Redis)"


def child_env(db: str, **extra) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url(db), DEBUG="false", DJANGO_SETTINGS_MODULE="bench.settings")
    env.pop("CACHE_URL", None)
    if CACHE[0]:
        env["CACHE_URL"] = CACHE[0]
    # The throttles stay on (their cost is part of every API request) but never refuse the load generator.
    env |= {"API_THROTTLE_ANON": "1000000/s", "API_THROTTLE_USER": "1000000/s"}
    env |= {"PAGE_THROTTLE": "1000000/s", "PAGE_THROTTLE_CSV": "1000000/s"}
    return env | extra


def manage(db: str, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=child_env(db), check=True, stdout=subprocess.DEVNULL)


def phase(db: str, name: str, env: dict | None = None, **arguments) -> dict:
    out = subprocess.run(
        [PYTHON, "-m", "bench.phases", name, json.dumps(arguments)],
        cwd=BASE_DIR,
        env=env or child_env(db),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- pages served on 127.0.0.1, built from the corpus texts ---------------------------------------


def article(n: int, texts: list[tuple[str, str]]) -> bytes:
    """Page n: corpus text n mod len(texts), with a line of its own so that no two pages are the same text."""
    name, text = texts[n % len(texts)]
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{name} ({n})</title></head><body><article>"
        f"<h1>{name} ({n})</h1><p>Bench copy number {n}.</p>{paragraphs}</article></body></html>"
    ).encode()


def serve(texts: list[tuple[str, str]], pages: int) -> tuple[ThreadingHTTPServer, str]:
    import html

    texts = [(name, html.escape(text)) for name, text in texts]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.endswith(".xml"):
                numbers = range(pages) if self.path == "/feed.xml" else [-1]
                items = "".join(f"<item><guid>b-{n}</guid><link>{base}/a/{n}</link></item>" for n in numbers)
                body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>{items}</channel></rss>'
                body, kind = body.encode(), "application/rss+xml"
            else:
                body, kind = article(int(self.path.rsplit("/", 1)[1]), texts), "text/html; charset=utf-8"
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


# --- processes: worker, gunicorn ---------------------------------------------------------------


def broker_url() -> tuple[str, str]:
    """The broker: CELERY_BROKER_URL when set, else Redis on 127.0.0.1 when it answers, else the SQL default."""
    if os.environ.get("CELERY_BROKER_URL"):
        return os.environ["CELERY_BROKER_URL"], "CELERY_BROKER_URL"
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        return "redis://127.0.0.1:6379/14", "Redis on 127.0.0.1"
    return "", "the SQL transport (no CELERY_BROKER_URL, no Redis)"


@contextlib.contextmanager
def started(args: list[str], env: dict, log: Path):
    with log.open("ab") as out:
        process = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=out, stderr=out, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.kill(process.pid, 15)  # the leader only: gunicorn and celery stop their own children
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(db: str, workers: int, log: Path, **extra):
    port = free_port()
    args = [PYTHON, "-m", "gunicorn", "bench.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    args += ["--timeout", "300", "--control-socket", str(log.with_suffix(".ctl"))]
    with started(args, child_env(db, **extra), log) as process:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if get(base, "/bench/ping")[0] == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: see {log}")
            time.sleep(0.2)
        yield base, process.pid


def get(base: str, path: str) -> tuple[int, int]:
    parts = urlsplit(base)
    conn = HTTPConnection(parts.hostname, parts.port, timeout=300)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Encoding": ACCEPT_ENCODING})
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


# --- load: wrk, else threads with keep-alive connections ------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def load(
    base: str, path: str, *, seconds: float, connections: int, client: str, encoding: str = ACCEPT_ENCODING
) -> dict:
    """Requests per second, p50 and p99 in ms, and the count of answers that were not 200; each request asks for
    `encoding` (Accept-Encoding)."""
    if client == "wrk":
        threads = min(2, connections)
        args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
        args += ["-H", f"Accept-Encoding: {encoding}"]
        out = subprocess.run([*args, "--timeout", "60s", base + path], capture_output=True, text=True, check=True)
        text = out.stdout
        pct = {
            m[0]: float(m[1]) * UNITS[m[2]] for m in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        }
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1])
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        errors = re.search(r"Socket errors: (.*)", text)
        return {"rps": rps, "p50": pct["50"], "p99": pct["99"], "bad": int(bad[1]) if bad else 0, "errors": errors}
    return python_load(base, path, seconds=seconds, connections=connections, encoding=encoding)


def python_load(base: str, path: str, *, seconds: float, connections: int, encoding: str) -> dict:
    parts = urlsplit(base)
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        conn = HTTPConnection(parts.hostname, parts.port, timeout=300)
        mine = []
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            conn.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Encoding": encoding})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                with lock:
                    bad[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {"rps": len(latencies) / elapsed, "p50": pct(0.50), "p99": pct(0.99), "bad": bad[0], "errors": None}


# --- the run ------------------------------------------------------------------------------------


def corpus_texts(corpus: Path) -> list[tuple[str, str]]:
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt files in {corpus}")
    return texts


def bench_extraction(db: str, options, rows: list[Row]) -> None:
    """Our statement stages and spaCy's small pipeline run whole, each in a child process with the same
    environment, on the same files, warmed up, for whole passes of at least --min-seconds; --extraction-rounds
    times each, alternating which goes first, and the median of each side's rates. Run once each, one after
    the other, the two met different machines: the same code read 0.87 and 0.69 six minutes apart, while
    spaCy's own passes took 12.0 to 15.5 s of CPU for the same texts."""
    files = [str(p) for p in sorted(options.corpus.glob("*.txt"))][: options.texts]
    if not files:
        raise SystemExit(f"no .txt files in {options.corpus}")
    runs: dict[str, list[dict]] = {"ours": [], "spacy": []}
    for round_ in range(options.extraction_rounds):
        for side in ("ours", "spacy") if round_ % 2 == 0 else ("spacy", "ours"):
            runs[side].append(_extraction_run(db, side, files, options.min_seconds))
    log("extraction and spaCy measured")
    ours, spacy = runs["ours"][0], runs["spacy"][0]
    passes = max(1, ours["documents"] // ours["texts"])
    rounds = f"median of {options.extraction_rounds} rounds, alternating" if options.extraction_rounds > 1 else ""
    # The second row: the same passes per second of each child's own CPU time, what the work costs whatever
    # else the machine runs meanwhile.
    clocks = (("seconds", "extraction (docs/s)", "wall clock"), ("cpu_seconds", "extraction (docs/CPU s)", "CPU"))
    for clock, figure, unit in clocks:
        rate, baseline = (statistics.median(r["documents"] / r[clock] for r in runs[side]) for side in runs)
        each = ", ".join(
            f"{o['documents'] / o[clock] / (s['documents'] / s[clock]):.2f}"
            for o, s in zip(runs["ours"], runs["spacy"], strict=True)
        )
        note = f"{ours['texts']} texts ({spacy['characters']:,} characters), {ours['statements'] // passes} statements"
        note += f"; {unit}, {rounds + '; ' if rounds else ''}each round's ratio {each}"
        rows.append(Row(figure, rate, "docs/s", baseline, "spaCy sm whole", ">= 0.8", note))

    long = phase(db, "long_text", megabytes=options.long_text_mb)
    log("long text measured")
    name = f"{options.long_text_mb:g} MB one-line text"
    note = f"{long['characters']:,} characters, {long['statements']:,} statements"
    rows.append(Row(f"{name} (s)", long["seconds"], "s", None, "", "< 30 s", note))
    note = f"ru_maxrss of the child: {long['before_mb']:.0f} MB before the text (Django, lexicon, spaCy, models)"
    rows.append(Row(f"{name}, peak RSS (MB)", long["peak_mb"], "MB", None, "", "< 300 MB", note))


def _extraction_run(db: str, side: str, files: list[str], min_seconds: float) -> dict:
    if side == "ours":
        return phase(db, "extract", files=files, min_seconds=min_seconds)
    args = [PYTHON, "-m", "bench.spacy_rate", str(min_seconds), *files]
    out = subprocess.run(args, cwd=BASE_DIR, env=child_env(db), capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"spaCy failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_ingest(dbs: Databases, options, rows: list[Row], logs: Path) -> None:
    db = dbs.clone("ingest")
    manage(db, "seed")
    log("ingest database seeded")
    if not options.skip_extraction:
        bench_extraction(db, options, rows)
    if options.skip_ingest:
        return
    queue = f"bench-{dbs.tag}"
    broker, broker_name = broker_url()
    extra = {"CELERY_TASK_DEFAULT_QUEUE": queue, "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32"}
    if broker:
        extra["CELERY_BROKER_URL"] = broker
    env = child_env(db, **extra)
    server, base = serve(corpus_texts(options.corpus), options.ingest_documents)
    try:
        baseline = phase(db, "ingest_inprocess", env, base=base, pages=options.ingest_documents)
        log("ingest in one process measured")
        # One worker process, as the baseline is one process: the ratio is the cost of queue and database.
        args = [PYTHON, "-m", "celery", "-A", "tracker", "worker", "--concurrency", "1", "--loglevel", "WARNING"]
        args += ["--without-mingle", "--without-gossip", "--queues", queue]
        with (
            started(args, env, logs / f"worker-{dbs.tag}.log") as worker,
            profiled(worker.pid, options.profile, "ingest", serving="process_item (positions/tasks.py"),
        ):
            real = phase(db, "ingest_worker", env, base=base, pages=options.ingest_documents, queue=queue, deadline=600)
    finally:
        server.shutdown()
    log("ingest through the worker measured")
    note = f"{options.ingest_documents} pages, {real['statements']} statements stored, {broker_name}"
    note += f", items {real['states']}"
    rows.append(
        Row(
            "ingest, worker+broker+DB (docs/s)",
            real["documents"] / real["seconds"],
            "docs/s",
            baseline["documents"] / baseline["seconds"],
            "same stages in-process",
            ">= 0.7",
            note,
        )
    )


def generated(dbs: Databases, name: str, statements: int, documents: int, reuse: str | None) -> str:
    if reuse:
        return reuse
    db = dbs.clone(name)
    began = time.perf_counter()
    manage(
        db,
        "generate_data",
        "--statements",
        str(statements),
        "--documents",
        str(documents),
        "--corpus",
        str(ARGS.corpus),
    )
    log(f"{name}: {statements:,} statements generated in {time.perf_counter() - began:.0f} s")
    return db


@contextlib.contextmanager
def profiled(pid: int, folder: Path | None, name: str, serving: str = "handle_request (gunicorn"):
    """py-spy on a process and its children while the block runs (--profile): collapsed stacks and a summary
    of the samples that were `serving` (a frame of that name: a request, a task), not waiting for work."""
    if folder is None or not PY_SPY.exists():
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / f"{name}.collapsed"
    args = [str(PY_SPY), "record", "--pid", str(pid), "--subprocesses", "--rate", "100", "--format", "raw"]
    args += ["--output", str(raw), "--nonblocking"]
    recorder = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)  # py-spy writes what it has and stops
        recorder.wait(timeout=60)
    if raw.exists():
        (folder / f"{name}.txt").write_text(summarize(raw, serving))


def summarize(raw: Path, serving: str, top: int = 40) -> str:
    """The frames that most samples pass through (inclusive share), from py-spy's collapsed stacks."""
    inclusive: dict[str, int] = {}
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if "(" in f]
        if not any(f.startswith(serving) for f in frames):
            continue  # waiting for work
        total += n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
    lines = [f"{total} samples while serving; frames by share of them (inclusive):"]
    for frame, n in sorted(inclusive.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"{100 * n / max(1, total):5.1f}%  {frame}")
    return "\n".join(lines) + "\n"


def _mean(before: dict, after: dict) -> dict:
    """The trivial endpoint's figures around a row: the mean of those measured before and after it."""
    return {key: (before[key] + after[key]) / 2 for key in ("rps", "p50", "p99")}


def latency(base: str, path: str, options, seconds: float | None = None) -> float:
    """The median of sequential requests on one connection: latency without queueing."""
    seconds = options.seconds if seconds is None else seconds
    figures = load(base, path, seconds=seconds, connections=1, client=options.client)
    if figures["bad"]:
        raise RuntimeError(f"{path}: {figures['bad']} answers were not 200")
    return figures["p50"]


GROWTH_SLICES = 4  # per server and endpoint, alternating


def growth_side_by_side(small: tuple[str, dict], large: tuple[str, dict], options) -> tuple[dict, dict]:
    """The p50 on one connection of each GROWTH endpoint on the small and the large server, side by side: in
    GROWTH_SLICES slices each, alternating (small first, then large first), the median of each side's slices.
    Measured minutes apart, the two met different machines (one run read compare's growth 0.64 and the list's
    1.88 at under 2 ms, the 10,000-statement side before the million was generated)."""
    seconds = max(1.0, options.seconds / GROWTH_SLICES)
    found: tuple[dict, dict] = ({name: [] for name in GROWTH}, {name: [] for name in GROWTH})
    for slice_ in range(GROWTH_SLICES):
        for name in GROWTH:
            sides = (0, 1) if slice_ % 2 == 0 else (1, 0)
            for side in sides:
                base, urls = (small, large)[side]
                found[side][name].append(latency(base, urls[name], options, seconds))
    small_p50, large_p50 = ({name: statistics.median(values) for name, values in side.items()} for side in found)
    return small_p50, large_p50


def bench_api(dbs: Databases, options, rows: list[Row], logs: Path) -> dict:
    small = generated(dbs, "small", options.small, max(1, options.small // 10), None)
    small_urls = phase(small, "targets")
    large = generated(dbs, "large", options.statements, options.documents, options.large_db)
    if options.keep and not options.large_db:
        dbs.kept = large
    urls = phase(large, "targets")
    log("databases ready")
    with (
        gunicorn(small, options.web_workers, logs / f"gunicorn-{dbs.tag}-small.log") as (small_base, _),
        gunicorn(large, options.web_workers, logs / f"gunicorn-{dbs.tag}-large.log") as (base, pid),
    ):
        for name in ENDPOINTS:
            get(small_base, small_urls[name])  # warm up: imports, connections
            status, _ = get(base, urls[name])
            if status != 200:
                raise RuntimeError(f"{urls[name]} answered {status}")
        get(base, "/bench/ping")
        kw = {"seconds": options.seconds, "connections": options.connections, "client": options.client}
        # The trivial endpoint before and after each row, and each row against the mean of the two: what the
        # machine gives drifts from one minute to the next (a run read search at 0.64, the next at 0.36), and a
        # baseline measured once, minutes before the last row, lent that drift to one row only.
        pings = [load(base, "/bench/ping", **kw)]
        loaded = {}
        for name in (*ENDPOINTS, IDENTITY):
            with profiled(pid, options.profile, name):
                if name == IDENTITY:
                    loaded[name] = load(base, urls["history"], **kw, encoding="identity")
                else:
                    loaded[name] = load(base, urls[name], **kw)
            pings.append(load(base, "/bench/ping", **kw))
        trivial = {name: _mean(pings[i], pings[i + 1]) for i, name in enumerate((*ENDPOINTS, IDENTITY))}
        growth_small, growth_large = growth_side_by_side((small_base, small_urls), (base, urls), options)
    log("load and growth measured")
    # Cold: the same requests on servers whose every answer is built afresh (BENCH_ANSWER_CACHE=off,
    # bench/settings.py), against the trivial endpoint measured again on the large one; the growth of the
    # queries themselves, which a cached answer hides, between the two.
    small_cold, large_cold = logs / f"gunicorn-{dbs.tag}-small-cold.log", logs / f"gunicorn-{dbs.tag}-large-cold.log"
    with (
        gunicorn(small, options.web_workers, small_cold, BENCH_ANSWER_CACHE="off") as (small_base, _),
        gunicorn(large, options.web_workers, large_cold, BENCH_ANSWER_CACHE="off") as (base, pid),
    ):
        for name in COLD:
            get(small_base, small_urls[name])
            get(base, urls[name])
        get(base, "/bench/ping")
        trivial_cold = load(base, "/bench/ping", **kw)
        cold = {}
        for name in COLD:
            with profiled(pid, options.profile, f"{name}-cold"):
                cold[name] = load(base, urls[name], **kw)
        growth_small_cold, growth_large_cold = growth_side_by_side((small_base, small_urls), (base, urls), options)
    log("cold rows measured")
    scale = f"{options.statements:,} statements"
    for name in (*ENDPOINTS, IDENTITY):
        figures, ping = loaded[name], trivial[name]
        note = urls["history" if name == IDENTITY else name] + (f"; {figures['bad']} non-200" if figures["bad"] else "")
        note += "; Accept-Encoding: identity" if name == IDENTITY else f"; Accept-Encoding: {ACCEPT_ENCODING}"
        goals = ("", "") if name == IDENTITY else (">= 0.5", "<= 3")
        rows.append(Row(f"{name}: throughput (req/s)", figures["rps"], "req/s", ping["rps"], TRIVIAL_BESIDE, goals[0],
                        note))  # fmt: skip
        rows.append(Row(f"{name}: p50 (ms)", figures["p50"], "ms", ping["p50"], TRIVIAL_BESIDE, goals[1], scale))
        rows.append(Row(f"{name}: p99 (ms)", figures["p99"], "ms", ping["p99"], TRIVIAL_BESIDE, goals[1], scale))
    for name in COLD:
        figures, note, base = cold[name], f"answer cache off; {scale}", trivial_cold
        goal = "<= 20 ms" if name == "compare" else ""  # issue 18, acceptance 1
        rows.append(Row(f"{name} cold: throughput (req/s)", figures["rps"], "req/s", base["rps"], TRIVIAL, "", note))
        if name == "compare":
            note += f"; {growth_large_cold['compare']:.1f} ms on one connection"
        rows.append(Row(f"{name} cold: p50 (ms)", figures["p50"], "ms", base["p50"], TRIVIAL, goal, note))
        rows.append(Row(f"{name} cold: p99 (ms)", figures["p99"], "ms", base["p99"], TRIVIAL, "", scale))
    growth = ((False, growth_large, growth_small), (True, growth_large_cold, growth_small_cold))
    for cold, large_p50, small_p50 in growth:
        for name in GROWTH:
            note = f"p50, one connection, at {options.statements:,} vs {options.small:,}"
            note += "; answer cache off: every answer built" if cold else "; the cache as deployed"
            figure = f"growth{' cold' if cold else ''}: {name} latency (ms)"
            small_name = f"{options.small:,} statements"
            rows.append(Row(figure, large_p50[name], "ms", small_p50[name], small_name, "<= 1.5", note))
    return {"db": large, "urls": urls}


def bench_runs(db: str, rows: list[Row]) -> None:
    """Issue 18, acceptance 5: the read model of runs rebuilt from the history equals the incremental one."""
    found = phase(db, "runs_check")
    made = ", ".join(f"{n:,} {kind} run rows" for kind, n in found["rows"].items())
    note = f"rebuild_runs --check in {found['seconds']:.2f} s on {found['statements']:,} statements"
    note += f" ({found['stances']:,} stances): {made}"
    rows.append(Row("runs rebuild: diff count", found["differed"], "rows", None, "", "= 0 rows", note))


def print_table(rows: list[Row], options, started_at: float) -> None:
    def num(x):
        return "-" if x is None else f"{x:,.1f}" if x >= 10 else f"{x:,.2f}"

    print()
    o = options
    print(f"Benchmark: {o.statements:,} statements / {o.documents:,} documents (growth from {o.small:,}),")
    print(f"ingest {o.ingest_documents} pages, {o.seconds:g} s of load per row, {o.connections} connections,")
    elapsed = time.perf_counter() - started_at
    print(f"client {o.client}, gunicorn {o.web_workers} workers; {os.cpu_count()} CPUs; run took {elapsed:.0f} s")
    lag = os.environ.get("ANSWER_VERSION_LAG_MS", "0")
    lagging = " (opt-in: an answer may lag a write)" if lag not in ("", "0") else ""
    signal = os.environ.get("ANSWER_SIGNAL_LAG_MS") or "1000 (the default)"
    sync = os.environ.get("API_THROTTLE_SYNC_MS") or "50 (the default)"
    print(f"cache: {CACHE[1]}; ANSWER_VERSION_LAG_MS={lag}{lagging}; ANSWER_SIGNAL_LAG_MS={signal};")
    print(f"API_THROTTLE_SYNC_MS={sync}")
    header = f"{'figure':<36} {'value':>10} {'baseline':>10} {'baseline is':<24} {'ratio':>7} {'goal':>8} {'':>7}"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
        print(
            f"{row.figure:<36} {num(row.value):>10} {num(row.baseline):>10} {row.baseline_name:<24} {ratio:>7} "
            f"{row.goal:>8} {row.met:>7}"
        )
    print()
    for row in rows:
        if row.note:
            print(f"  {row.figure}: {row.note}")


def parse(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="statements of the growth baseline")
    parser.add_argument("--ingest-documents", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0, help="load per row")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--min-seconds", type=float, default=5.0, help="at least this long extracting")
    parser.add_argument(
        "--extraction-rounds", type=int, default=3, help="runs of each side of the extraction row, alternating"
    )
    parser.add_argument("--texts", type=int, help="only the first N corpus texts for the extraction row")
    parser.add_argument("--long-text-mb", type=float, default=5.0, help="size of the one-line text")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--cache",
        choices=["deployed", "database"],
        default="deployed",
        help="deployed: CACHE_URL, else Redis on 127.0.0.1 when it answers (docs/deploy.md); database: the table",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny scale, seconds: checks that every row comes out")
    parser.add_argument("--keep", action="store_true", help="keep the large database (its name is printed)")
    parser.add_argument("--large-db", help="use this already generated database for the large scale")
    parser.add_argument("--db-prefix", default="tracker_bench", help="the scratch databases' names start with this")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-extraction", action="store_true")
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--profile", type=Path, help="py-spy each endpoint's load into this folder")
    parser.add_argument("--json", type=Path, help="also write the rows to this file as JSON")
    parser.add_argument("--explain", type=Path, help="write EXPLAIN ANALYZE of every API query to this file")
    options = parser.parse_args(argv)
    if options.smoke:
        options.statements, options.documents, options.small = 3_000, 300, 300
        options.ingest_documents, options.seconds, options.connections, options.min_seconds = 3, 0.5, 2, 0.2
        options.texts, options.long_text_mb, options.extraction_rounds = 4, 0.02, 1
        options.client = "python"  # wrk's shortest run is a second; CI may not have wrk
    return options


ARGS = None
CACHE = ("", "")  # CACHE_URL for the children, and how the table's header names it
BEGAN = time.perf_counter()


def log(message: str) -> None:
    print(f"[bench] {time.perf_counter() - BEGAN:6.1f} s  {message}", flush=True)


def main(argv: list[str]) -> int:
    global ARGS, CACHE
    options = ARGS = parse(argv)
    CACHE = cache_url()
    began = time.perf_counter()
    logs = BASE_DIR / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    dbs = Databases(keep=options.keep, prefix=options.db_prefix)
    try:
        bench_ingest(dbs, options, rows, logs)
        if not options.skip_api:
            api = bench_api(dbs, options, rows, logs)
            bench_runs(api["db"], rows)
            if options.explain:
                # with the answer cache off: a cached answer's only query is the data version's
                cold = child_env(api["db"], BENCH_ANSWER_CACHE="off")
                found = phase(api["db"], "plans", env=cold, urls=api["urls"])
                with options.explain.open("w") as out:
                    for name, plans in found["explained"].items():
                        for entry in plans:
                            out.write(f"### {name}\n{entry['sql']}\n{entry['params']}\n\n{entry['plan']}\n\n")
                log(f"query plans in {options.explain}; seq scans on large tables: {found['seq_scans']}")
    finally:
        dbs.drop()
    print_table(rows, options, began)
    if options.json:
        fields = ("figure", "value", "unit", "baseline", "baseline_name", "ratio", "goal", "note")
        table = [{**{f: getattr(row, f) for f in fields}, "met": row.met} for row in rows]
        found = {"statements": options.statements, "cache": CACHE[1], "rows": table}
        options.json.write_text(json.dumps(found, indent=1))
    if dbs.kept:
        print(f"\nkept the large database: {dbs.kept}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
