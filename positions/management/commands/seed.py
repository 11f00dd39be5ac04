"""`manage.py seed [FILE…]`: load the negotiations of fixtures/*.json, idempotently."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from positions.services.seed import SeedError, negotiation_seed

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "Load or refresh the seed negotiations (by natural keys: running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="Seed files (default: fixtures/*.json).")

    def handle(self, *args, files, **options):
        files = files or sorted(FIXTURES_DIR.glob("*.json"))
        if not files:
            raise CommandError(f"no seed files in {FIXTURES_DIR}")
        for path in files:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path}: cannot read seed file: {exc}") from None
            try:
                report = negotiation_seed(data=data)
            except SeedError as exc:
                raise CommandError(f"{path}: {exc}") from None
            except KeyError as exc:
                raise CommandError(f"{path}: a required field is missing: {exc}") from None
            self.stdout.write(f"{path.name}:")
            for line in report.lines():
                self.stdout.write(f"  {line}")
