"""`manage.py ingest PATH_OR_URL…`: files, folders, pages and feeds, processed here and now."""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from positions.ingest.dedupe import canonical_url
from positions.ingest.feed import parse_feed
from positions.ingest.fetch import fetch
from positions.ingest.records import IngestError
from positions.management.commands._ingest import run_sources, summarise
from positions.models import Source
from positions.pipeline import fetch_limits


class Command(BaseCommand):
    help = "Ingest files, folders (their .txt and .html files), web pages and feeds, with a summary."

    def add_arguments(self, parser):
        parser.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument(
            "--kind", choices=["auto", "feed", "page"], default="auto", help="What a URL is (auto: try it as a feed)."
        )

    def handle(self, *args, targets, kind, **options):
        sources = [self._source_for(target, kind) for target in targets]
        summarise(self, run_sources(self, sources, trigger="command"))

    def _source_for(self, target: str, kind: str) -> Source:
        if target.startswith(("http://", "https://")):
            url = canonical_url(target) or target
            kind = _guess_kind(url) if kind == "auto" else kind
            source, _ = Source.objects.get_or_create(
                kind=kind, url=url, defaults={"name": _name(f"{kind}: {url}"), "is_active": False}
            )
            return source
        path = Path(target).expanduser().resolve()
        if not path.exists():
            raise CommandError(f"no such file, folder or URL: {target}")
        # One-off sources stay inactive: beat does not poll them unless a curator turns them on.
        source, _ = Source.objects.get_or_create(
            kind="files", path=str(path), defaults={"name": _name(f"files: {path}"), "is_active": False}
        )
        return source


def _guess_kind(url: str) -> str:
    try:
        result = fetch(url, limits=fetch_limits())
        parse_feed(result.body, headers=result.headers, base_url=result.final_url)
    except IngestError:
        return "page"
    return "feed"


def _name(name: str) -> str:
    if len(name) <= 200:
        return name
    return name[:180] + "…" + hashlib.sha256(name.encode()).hexdigest()[:12]
