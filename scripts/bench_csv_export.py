"""Benchmark: stream the CSV exports over many statements and check that memory stays flat.

    python -m tracker.launcher exec .venv/bin/python scripts/bench_csv_export.py [--rows 100000]

Bulk-inserts N statements into a scratch database (spans of one long document, a few parties,
speakers and issues), then downloads statements.csv and events.csv through Django's test Client,
consuming the stream chunk by chunk. Each export is read twice: once timed, sampling the RSS
(psutil) as it goes, once under tracemalloc for the peak of Python allocations. Prints rows,
bytes, rows per second, time to the first row and memory growth, then PASS when every export
has every public row and memory grew by less than 50 MB. The scratch database is dropped.
"""

import argparse
import gc
import hashlib
import os
import subprocess
import sys
import time
import tracemalloc
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BATCH = 5000
LIMIT_MB = 50
RSS_EVERY = 1000  # chunks between RSS samples: often enough to see a peak, rarely enough to cost nothing
MB = 1024 * 1024


def scratch_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/tracker_bench_{uuid.uuid4().hex[:8]}"))


def long_text(length: int) -> str:
    words, size, n = [], 0, 0
    while size < length:
        word = f"w{(n * 7919) % 100003}" + ("." if n % 17 == 16 else "")
        words.append(word)
        size += len(word) + 1
        n += 1
    return " ".join(words)


def insert_statements(rows: int) -> int:
    """N statements as overlapping spans of one document; returns how many the public may see."""
    from django.db import connection

    from positions.models import Actor, Document, Issue, Negotiation, Party, Statement
    from positions.vocabularies import ReviewState, StatementKind, StatementMode

    negotiation = Negotiation.objects.create(slug="bench", title="Bench")
    issues = [Issue.objects.create(negotiation=negotiation, key=f"issue-{n}", title=f"Issue {n}") for n in range(6)]
    parties = [Party.objects.create(name=f"Party {n}", slug=f"party-{n}", kind="state") for n in range(4)]
    speakers = [Actor.objects.create(name=f"Speaker {n}", slug=f"speaker-{n}") for n in range(3)]
    text = long_text(rows + 400)
    document = Document.objects.create(
        title="A very long transcript",
        url="https://example.org/transcript",
        publisher="Bench",
        published=date(2011, 12, 6),
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    kinds, modes = list(StatementKind), list(StatementMode)
    Topic = Statement.topics.through
    rejected = 0
    for first in range(0, rows, BATCH):
        batch = []
        for n in range(first, min(first + BATCH, rows)):
            start, end = n, n + 120 + n % 80  # a distinct start for each: the span constraint holds
            state = ReviewState.REJECTED if n % 100 == 99 else ReviewState.APPROVED
            rejected += state == ReviewState.REJECTED
            batch.append(
                Statement(
                    document=document,
                    quote=text[start:end],
                    start=start,
                    end=end,
                    mode=modes[n % len(modes)],
                    cue="said",
                    speaker=speakers[n % 3] if n % 4 else None,
                    party=parties[n % 4],
                    addressee=parties[(n + 1) % 4] if n % 2 else None,
                    said_on=date(2009, 1, 1) + timedelta(days=n % 1800),
                    kind=kinds[n % len(kinds)],
                    confidence=0.5 + (n % 50) / 100,
                    extractor_version="bench-1",
                    review_state=state,
                )
            )
        Statement.objects.bulk_create(batch)
        links = [Topic(statement_id=s.pk, issue_id=issues[s.start % 6].pk) for s in batch]
        links += [Topic(statement_id=s.pk, issue_id=issues[(s.start + 1) % 6].pk) for s in batch if s.start % 3 == 0]
        Topic.objects.bulk_create(links)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a real table
    return rows - rejected


def download(url: str, *, traced: bool) -> dict:
    """One export consumed chunk by chunk, never holding more than one chunk."""
    import psutil
    from django.test import Client

    process = psutil.Process()
    gc.collect()
    if traced:
        tracemalloc.start()
    rss_before = rss_peak = process.memory_info().rss
    traced_before = tracemalloc.get_traced_memory()[0] if traced else 0
    started = time.perf_counter()
    response = Client(HTTP_HOST="localhost").get(url)
    assert response.status_code == 200 and response.streaming, response
    chunks = size = 0
    first_row = None
    for chunk in response.streaming_content:
        chunks += 1
        size += len(chunk)
        if chunks == 2:
            first_row = time.perf_counter() - started
        if chunks % RSS_EVERY == 0:
            rss_peak = max(rss_peak, process.memory_info().rss)
    response.close()
    seconds = time.perf_counter() - started
    rss_peak = max(rss_peak, process.memory_info().rss)
    figures = {"rows": chunks - 1, "bytes": size, "seconds": seconds, "first_row": first_row or 0.0}
    figures["rss_growth"] = rss_peak - rss_before
    if traced:
        figures["traced_peak"] = tracemalloc.get_traced_memory()[1] - traced_before
        tracemalloc.stop()
    return figures


def main(rows: int) -> int:
    os.environ["DEBUG"] = "false"  # no query log held in memory
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    from tracker.launcher import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR, check=True)

    import django

    django.setup()
    from django.db import connections
    from django.urls import reverse

    started = time.perf_counter()
    public = insert_statements(rows)
    print(f"inserted {rows:,} statements ({public:,} public) in {time.perf_counter() - started:.1f} s\n")

    results = []
    for url in (reverse("api-export-statements"), reverse("api-export-events")):
        results.append((url.rsplit("/", 1)[1], download(url, traced=False), download(url, traced=True)))

    header = f"{'export':<15} {'rows':>8} {'MB':>7} {'s':>6} {'rows/s':>8} {'1st row ms':>10} {'RSS +MB':>8}"
    print(header + f" {'traced peak MB':>15} {'rows/s traced':>14}")
    passed = True
    for export, timed, traced in results:
        growth = max(timed["rss_growth"], traced["rss_growth"]) / MB
        peak = traced["traced_peak"] / MB
        print(
            f"{export:<15} {timed['rows']:>8,} {timed['bytes'] / MB:>7.1f} {timed['seconds']:>6.2f} "
            f"{timed['rows'] / timed['seconds']:>8,.0f} {timed['first_row'] * 1000:>10.0f} {growth:>8.1f} "
            f"{peak:>15.2f} {traced['rows'] / traced['seconds']:>14,.0f}"
        )
        passed &= timed["rows"] == traced["rows"] == public and growth < LIMIT_MB and peak < LIMIT_MB
    print(f"\n{'PASS' if passed else 'FAIL'}: every public row exported, memory growth under {LIMIT_MB} MB")
    connections.close_all()
    return 0 if passed else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="statements to insert (default 100,000)")
    arguments = parser.parse_args()
    os.environ["DATABASE_URL"] = scratch_database_url()  # before the try: the finally drops this one
    try:
        code = main(arguments.rows)
    finally:
        from tracker.launcher import drop_database

        drop_database(os.environ["DATABASE_URL"])
    sys.exit(code)
