"""`manage.py release [--release-version V] [--date YYYY-MM-DD]`: a dated, versioned snapshot of the public record.

Reads the record in one REPEATABLE READ transaction (every table from the same snapshot), writes the
tidy tables, the codebook and the manifest into RELEASES_DIR/<version>/ (positions/releases.py) and
refuses a version that exists: a release never changes.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from positions import selectors
from positions.codebook import CSV_HEADERS, codebook_markdown, codebook_rows
from positions.days import parse_day
from positions.releases import ReleaseError, release_write, version_for


class Command(BaseCommand):
    help = "Write a release of the public record (tidy CSVs, codebook, manifest) into RELEASES_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The release's date, YYYY-MM-DD (default: today).")
        # Not --version: every command has that one (Django's own version).
        parser.add_argument("--release-version", help="Its version (default: the date, 2026.12.06).")

    def handle(self, *args, date=None, release_version=None, **options):
        day = timezone.localdate() if date is None else parse_day(date)
        if day is None:
            raise CommandError(f"--date: enter a date as YYYY-MM-DD, not {date!r}.")
        version = version_for(day) if release_version is None else release_version
        outermost = not connection.in_atomic_block  # inside another transaction (a test), that one's snapshot
        with transaction.atomic():
            if outermost:
                with connection.cursor() as cursor:  # one snapshot for every table, whatever is written meanwhile
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            book = selectors.codebook()
            tables = {**selectors.release_tables(), "codebook.csv": (CSV_HEADERS, codebook_rows(book))}
            try:
                release = release_write(
                    folder=settings.RELEASES_DIR,
                    version=version,
                    day=day,
                    tables=tables,
                    codebook_markdown=codebook_markdown(book),
                )
            except ReleaseError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            f"release {release.version} ({release.date.isoformat()}) in {settings.RELEASES_DIR / version}"
        )
        for file in release.files:
            rows = "" if file.rows is None else f"{file.rows} rows, "
            self.stdout.write(f"  {file.name}: {rows}{file.bytes} bytes, sha256 {file.sha256}")
        self.stdout.write(f"cite: {release.citation}")
