"""`manage.py extract [DOC_ID…] [--stale | --all]`: run the statement stages again on stored documents."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from positions.models import Document
from positions.services.statements import documents_extract, stale_documents
from positions.statements.records import EXTRACTOR_VERSION


class Command(BaseCommand):
    help = (
        "Extract statements again from stored documents: machine-made pending statements are replaced, "
        "every curator decision is kept. Give document ids, --stale (made by another extractor version) or --all."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="DOC_ID")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--stale", action="store_true", help=f"Documents not extracted by {EXTRACTOR_VERSION}.")
        group.add_argument("--all", action="store_true", help="Every document.")

    def handle(self, *args, ids, stale, all, **options):
        if bool(ids) + stale + all != 1:
            raise CommandError("give document ids, or --stale, or --all (one of them)")
        if ids:
            documents = Document.objects.filter(pk__in=ids)
            missing = set(ids) - set(documents.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no document with id {', '.join(map(str, sorted(missing)))}")
        else:
            documents = stale_documents() if stale else Document.objects.all()
        documents = documents.select_related("source").order_by("pk")
        total = documents.count()
        with tqdm(total=total, unit="doc", desc="extracting", disable=not self.stderr.isatty()) as bar:
            report = documents_extract(documents=documents.iterator(chunk_size=100), progress=lambda *_: bar.update())
        self.stdout.write(f"{total} documents by {EXTRACTOR_VERSION}: {report.line()}")
