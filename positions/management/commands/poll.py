"""`manage.py poll [--source ID…]`: poll the due sources (or the given ones) here and now."""

from django.core.management.base import BaseCommand, CommandError

from positions.management.commands._ingest import run_sources, summarise
from positions.models import Source
from positions.services.ingest import sources_due


class Command(BaseCommand):
    help = "Poll sources that are due (or those given, due or not) and process their new entries."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, action="append", dest="source_ids", metavar="ID")

    def handle(self, *args, source_ids, **options):
        ids = source_ids or sources_due()
        sources = list(Source.objects.filter(pk__in=ids).order_by("pk"))
        missing = set(ids) - {s.pk for s in sources}
        if missing:
            raise CommandError(f"no source with id {', '.join(map(str, sorted(missing)))}")
        if not sources:
            self.stdout.write("no source is due")
            return
        summarise(self, run_sources(self, sources, trigger="command"))
