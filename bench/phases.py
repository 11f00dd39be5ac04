"""The parts of the benchmark that need Django, each run in a child process on one scratch database.

    python -m bench.phases NAME JSON_ARGUMENTS   → the figures as one JSON object on the last line

extract: the statement stages on the corpus texts, in this process.
long_text: the statement stages on one long text on one line: seconds and this process's peak RSS.
ingest_inprocess: fetch, read and extract N served pages in this process: no queue, no database writes.
ingest_worker: the same pages through a feed source, a real broker and worker, into the database.
targets: the URLs the load test asks for, chosen from the generated data (the busiest negotiation…).
plans: EXPLAIN ANALYZE of every query those URLs run, with the sequential scans on large tables.
runs_check: the read model of runs rebuilt from the history (`rebuild_runs --check`): time and diff count.
"""

import json
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

LARGE_TABLE_ROWS = 100_000


def _lexicon():
    from positions import selectors

    return selectors.lexicon_load()


def extract(*, files: list[str], min_seconds: float) -> dict:
    """Whole passes over the texts until min_seconds have passed, as bench/spacy_rate.py does on the same files."""
    from positions.ingest.text import normalize_text
    from positions.statements.extract import extract as extract_statements
    from positions.statements.records import DocumentInput

    lexicon = _lexicon()
    texts = [normalize_text(Path(p).read_text(encoding="utf-8")) for p in files]
    extract_statements(DocumentInput(text=texts[0][:2000]), lexicon)  # warm up: spaCy and the models load once
    documents, statements, started, cpu = 0, 0, time.perf_counter(), time.process_time()
    while True:  # whole passes over the corpus until the clock has enough to measure
        for text in texts:
            statements += len(extract_statements(DocumentInput(text=text), lexicon))
            documents += 1
        seconds = time.perf_counter() - started
        if seconds >= min_seconds:
            break
    cpu_seconds = time.process_time() - cpu
    return {"documents": documents, "seconds": seconds, "cpu_seconds": cpu_seconds, "statements": statements,
            "texts": len(texts)}  # fmt: skip


def long_text(*, megabytes: float) -> dict:
    """Issue 17's report: one sentence over and over, megabytes of it on one line, extracted once after a
    warm-up. ru_maxrss is this process's peak: Django, the lexicon and the models count in it, as in a worker."""
    from positions.ingest import dedupe
    from positions.statements.extract import extract as extract_statements
    from positions.statements.records import DocumentInput

    sentence = "Russia demands guarantees on missile defence, Lavrov said, "
    lexicon = _lexicon()
    extract_statements(DocumentInput(text=sentence * 20), lexicon)
    dedupe.fingerprint(sentence * 20)  # what a worker has loaded once it has ingested a document (datasketch)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    size = round(megabytes * 1_000_000)
    text = (sentence * (size // len(sentence) + 1))[:size].rstrip()
    started = time.perf_counter()
    found = extract_statements(DocumentInput(text=text), lexicon)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak, "before_mb": before, "characters": len(text), "statements": len(found)}


def ingest_inprocess(*, base: str, pages: int) -> dict:
    from positions import pipeline
    from positions.statements.records import DocumentInput

    lexicon = _lexicon()

    def one(n: int) -> int:
        url = f"{base}/a/{n}"
        found = pipeline.entry_text(key=url, url=url, title="", summary="", published=None)
        text = found.text
        document = DocumentInput(text=text.text, published=text.published, title=text.title, publisher="bench")
        return len(pipeline.extract_document(document, lexicon).statements)

    one(-1)  # warm up, as the worker is warmed up
    started = time.perf_counter()
    statements = sum(one(n) for n in range(pages))
    return {"documents": pages, "seconds": time.perf_counter() - started, "statements": statements}


def ingest_worker(*, base: str, pages: int, queue: str, deadline: float) -> dict:
    from positions.models import IngestRun, Item, Source, Statement
    from positions.tasks import poll_source

    def run(name: str, feed: str, expected: int) -> float:
        source = Source.objects.create(name=name, kind="feed", url=f"{base}/{feed}")
        started = time.perf_counter()
        poll_source.apply_async((source.pk, "bench"), queue=queue)
        while Item.objects.filter(source=source).exclude(state__in=["pending", "processing"]).count() < expected:
            if time.perf_counter() - started > deadline:
                states = list(Item.objects.filter(source=source).values_list("state", flat=True))
                raise RuntimeError(f"{name}: not done after {deadline} s: {states}")
            time.sleep(0.02)
        return time.perf_counter() - started

    run("warm-up", "warm.xml", 1)  # the worker's imports, connections and caches
    seconds = run("bench", "feed.xml", pages)
    bench = Source.objects.get(name="bench")
    states = dict.fromkeys(Item.objects.filter(source=bench).values_list("state", flat=True).distinct(), 0)
    for state in states:
        states[state] = Item.objects.filter(source=bench, state=state).count()
    statements = Statement.objects.filter(document__source=bench).count()
    runs = IngestRun.objects.filter(source=bench).count()
    return {"documents": pages, "seconds": seconds, "statements": statements, "states": states, "runs": runs}


def targets() -> dict:
    """Negotiation 1 (the same shape at every scale: generate_data) as of its last day; its proposal with
    the longest history; one month of the busiest party's statements; a search for three common words."""
    from django.db.models import Count

    from positions.models import Negotiation, Party, Proposal, Statement

    negotiation = Negotiation.objects.order_by("pk").first()
    as_of = negotiation.ended or negotiation.started
    proposal = (
        Proposal.objects.filter(negotiation=negotiation)
        .annotate(n=Count("stances", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    party = Party.objects.annotate(n=Count("statements")).order_by("-n").first()
    last = Statement.objects.filter(party=party).order_by("-said_on").values_list("said_on", flat=True).first()
    month = (last - timedelta(days=30), last)
    return {
        "compare": f"/api/v1/compare?negotiation={negotiation.slug}&as_of={as_of}",
        "history": f"/api/v1/proposals/{proposal.pk}/history",
        "list": "/api/v1/statements",
        "search": "/api/v1/statements?q=missile%20defence%20cooperation",
        "export": f"/api/v1/exports/statements.csv?party={party.slug}&said_from={month[0]}&said_to={month[1]}",
    }


def plans(*, urls: dict) -> dict:
    """Every query of every URL, explained with ANALYZE; sequential scans on tables over LARGE_TABLE_ROWS rows."""
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND relname LIKE 'positions_%'"
        )
        rows = dict(cursor.fetchall())
    large = {name for name, n in rows.items() if n >= LARGE_TABLE_ROWS}
    found, explained = {}, {}
    client = Client(HTTP_HOST="127.0.0.1")
    for name, url in urls.items():
        # Each query as the code ran it, with its parameters: the query log writes a statement bound on the
        # server (the comparison's, selectors.planned_cursor) with its placeholders and no values.
        ran = []

        def kept(execute, sql, params, many, context, ran=ran):
            ran.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(kept):
            response = client.get(url)
            b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, (url, response.status_code)
        explained[name], found[name] = [], []
        for sql, params in ran:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(line for (line,) in cursor.fetchall())
            explained[name].append({"sql": sql, "params": repr(params), "plan": plan})
            found[name] += [t for t in large if f"Seq Scan on {t} " in plan]
    return {"seq_scans": found, "explained": explained}


def runs_check() -> dict:
    """Acceptance 5 of issue 18: the runs recomputed from the whole history against the incremental ones."""
    from positions.models import Stance, Statement
    from positions.services.runs import runs_rebuild

    report = runs_rebuild(write=False)
    counts = {"statements": Statement.objects.count(), "stances": Stance.objects.count()}
    return {"seconds": report.seconds, "differed": sum(report.differed.values()), "rows": report.rows, **counts}


PHASES = {
    "extract": extract,
    "long_text": long_text,
    "ingest_inprocess": ingest_inprocess,
    "ingest_worker": ingest_worker,
    "targets": targets,
    "plans": plans,
    "runs_check": runs_check,
}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["DEBUG"] = "false"
    django.setup()
    result = PHASES[sys.argv[1]](**json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}"))
    print(json.dumps(result, default=str))
