"""`manage.py rebuild_runs [--check]`: recompute the read model of runs from the stance and status history.

Prints how many stored rows differed from the recomputed ones (0 when the triggers kept them right) and the
time taken; `--check` only counts, writes nothing, and exits with status 1 when any row differed.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from positions.models import Proposal
from positions.services.runs import runs_rebuild


class Command(BaseCommand):
    help = "Rebuild the stance and status runs from the history and count the rows that differed."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only count the rows that differ; write nothing.")
        parser.add_argument("--batch", type=int, default=500, help="Proposals per transaction.")

    def handle(self, *args, check: bool, batch: int, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        with tqdm(total=Proposal.objects.count(), unit="proposal", disable=not self.stderr.isatty()) as bar:
            report = runs_rebuild(write=not check, batch=batch, progress=bar.update)
        differed = sum(report.differed.values())
        self.stdout.write(f"{'checked' if check else 'rebuilt'} {report.line()}; diff count {differed}")
        if check and differed:
            raise CommandError(f"{differed} rows of the runs differ from the history: run rebuild_runs to repair them")
