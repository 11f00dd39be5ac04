"""`manage.py seed [FILE…]`: load the negotiations of fixtures/*.json, idempotently.

Every file is read and checked before any is loaded: a file with problems prints each with its
place in the file (`parties[3].kind: …`), nothing is written, and the command exits with status 1.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from positions.services.seed import SeedError, negotiation_seed
from positions.services.seed_check import seed_problems

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "Load or refresh the seed negotiations (by natural keys: running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="Seed files (default: fixtures/*.json).")

    def handle(self, *args, files, **options):
        files = files or sorted(FIXTURES_DIR.glob("*.json"))
        if not files:
            raise CommandError(f"no seed files in {FIXTURES_DIR}")
        loaded = {path: self._read(path) for path in files}
        faulty = 0
        for path, data in loaded.items():
            problems = seed_problems(data=data)
            for problem in problems:
                self.stderr.write(f"{path}: {problem}")
            faulty += bool(problems)
        if faulty:
            raise CommandError(f"{faulty} of {len(files)} seed files have problems (listed above); nothing was written")
        for path, data in loaded.items():
            try:
                report = negotiation_seed(data=data)
            except SeedError as exc:  # checked above: only a race with another writer gets here
                raise CommandError(f"{path}: {exc}") from None
            self.stdout.write(f"{path.name}:")
            for line in report.lines():
                self.stdout.write(f"  {line}")

    def _read(self, path: Path):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: cannot read seed file: {exc}") from None
