"""What the `ingest` and `poll` commands share: run sources inline, show progress, sum up."""

import sys

from django.core.management.base import CommandError
from tqdm import tqdm

from positions.models import IngestRun, Source
from positions.services import ingest as ingest_service

COLUMNS = ("seen", "known", "new", "duplicate", "no_text", "failed")
ERRORS_SHOWN = 20


def run_sources(
    command, sources: list[Source], *, trigger: str, given: ingest_service.Given | None = None
) -> list[IngestRun]:
    """Poll each source and process its new items here and now (no worker needed)."""
    runs = []
    for source in sources:
        result = ingest_service.source_poll(source_id=source.pk, trigger=trigger, given=given)
        if result.run is None:
            command.stderr.write(f"{source.name}: another worker is polling it; skipped")
            continue
        # disable=None: a bar on a terminal, nothing in a log file or a pipe.
        for item_id in tqdm(result.new_item_ids, desc=source.name[:40], unit="doc", disable=None, file=sys.stderr):
            ingest_service.item_process(item_id=item_id)
        result.run.refresh_from_db()
        runs.append(result.run)
    return runs


def summarise(command, runs: list[IngestRun]) -> None:
    """A table of the runs, their errors, and a failing exit status when nothing got in."""
    names = [str(run.source or "?")[:50] for run in runs]
    width = max([len(n) for n in names] + [6])
    header = f"{'source':<{width}}  " + "  ".join(f"{c.replace('_', ' '):>9}" for c in COLUMNS)
    command.stdout.write(header)
    for name, run in zip(names, runs, strict=True):
        command.stdout.write(f"{name:<{width}}  " + "  ".join(f"{getattr(run, c):>9}" for c in COLUMNS))
    if len(runs) > 1:
        totals = "  ".join(f"{sum(getattr(r, c) for r in runs):>9}" for c in COLUMNS)
        command.stdout.write(f"{'total':<{width}}  {totals}")
    errors = [error for run in runs for error in run.errors]
    for error in errors[:ERRORS_SHOWN]:
        command.stderr.write(f"  {error['stage']}: {error['message']} ({error['url']})")
    if len(errors) > ERRORS_SHOWN:
        command.stderr.write(f"  … and {len(errors) - ERRORS_SHOWN} more errors (see the ingest runs in the admin)")
    got_in = sum(run.known + run.new + run.duplicate for run in runs)
    if not got_in:
        raise CommandError("nothing could be ingested")
