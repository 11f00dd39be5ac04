"""`manage.py ingest PATH_OR_URL…`: files, folders, pages and feeds, processed here and now."""

import argparse
import hashlib
import os
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from positions.ingest.dedupe import canonical_url
from positions.ingest.feed import parse_feed
from positions.ingest.fetch import fetch
from positions.ingest.records import IngestError
from positions.management.commands._ingest import run_sources, summarise
from positions.models import Negotiation, Source
from positions.pipeline import fetch_limits
from positions.services.ingest import Given
from positions.vocabularies import SourceKind


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: give it as YYYY-MM-DD") from None
    if day > date.today():
        raise argparse.ArgumentTypeError(f"{value} is after today")
    return day


class Command(BaseCommand):
    help = (
        "Ingest files, folders (their .txt and .html files), web pages and feeds, with a summary. "
        "A document's title, date and publisher come from its page or its text (a headline, a dateline "
        "such as 'BRUSSELS, Dec. 8, 2011 –', a date line near the top); --title, --published and "
        "--publisher say them instead, for the documents this command adds."
    )

    def add_arguments(self, parser):
        parser.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument(
            "--kind", choices=["auto", "feed", "page"], default="auto", help="What a URL is (auto: try it as a feed)."
        )
        parser.add_argument(
            "--published",
            type=_day,
            metavar="YYYY-MM-DD",
            help="The day the documents were published; it wins over any date read from them.",
        )
        parser.add_argument("--title", help="The document's title (one file or page only).")
        parser.add_argument("--publisher", help="Who published the documents (shown with them on public pages).")
        parser.add_argument(
            "--negotiation",
            metavar="SLUG",
            help="File the documents under this negotiation: their source is given it, and their topics "
            "come from its issues.",
        )

    def handle(self, *args, targets, kind, published, title, publisher, negotiation, **options):
        dossier = _negotiation(negotiation) if negotiation else None
        places = [self._place(target, kind) for target in targets]
        single = len(places) == 1 and places[0][0] != SourceKind.FEED
        if title and not (single and (places[0][0] == SourceKind.PAGE or Path(places[0][1]).is_file())):
            raise CommandError("--title names one document: give it with one file or one page")
        given = Given(title=(title or "").strip(), published=published, publisher=(publisher or "").strip())
        sources = [_source(kind, where, dossier) for kind, where in places]
        runs = run_sources(self, sources, trigger="command", given=given)
        known = sum(run.known for run in runs)
        if known and given.as_json():
            self.stderr.write(
                f"{known} of these were ingested before: --title, --published and --publisher apply "
                "to new documents only (correct the others in the admin)"
            )
        summarise(self, runs)

    def _place(self, target: str, kind: str) -> tuple[str, str]:
        """(source kind, URL or absolute path) of a target."""
        if target.startswith(("http://", "https://")):
            url = canonical_url(target) or target
            return (_guess_kind(url) if kind == "auto" else kind), url
        path = Path(target).expanduser().resolve()
        if not path.exists():
            raise CommandError(f"no such file, folder or URL: {target}")
        return SourceKind.FILES, str(path)


def _negotiation(slug: str) -> Negotiation:
    found = Negotiation.objects.filter(slug=slug).first()
    if found is None:
        known = ", ".join(Negotiation.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"--negotiation: no negotiation with the slug {slug!r} (known: {known})")
    return found


def _source(kind: str, where: str, negotiation: Negotiation | None) -> Source:
    """The source of a target, made on first use. One-off sources stay inactive: beat does not poll
    them unless a curator turns them on."""
    if kind == SourceKind.FILES:
        source, _ = Source.objects.get_or_create(
            kind=kind, path=where, defaults={"name": _files_name(Path(where)), "is_active": False}
        )
        if source.name.startswith(f"files: {os.sep}"):
            # Named after its path by an earlier version: the name shows with its documents in the API.
            source.name = _files_name(Path(where))
            source.save(update_fields=["name"])
    else:
        source, _ = Source.objects.get_or_create(
            kind=kind, url=where, defaults={"name": _name(f"{kind}: {where}"), "is_active": False}
        )
    if negotiation is not None and source.negotiation_id != negotiation.pk:
        if source.negotiation_id is not None:
            raise CommandError(
                f"--negotiation: {source.name} is filed under {source.negotiation.slug}; "
                "change its source's negotiation in the admin to move it"
            )
        source.negotiation = negotiation
        source.save(update_fields=["negotiation"])
    return source


def _files_name(path: Path) -> str:
    """The file or folder's own name, not where it sits on this machine; a short hash of the path tells
    apart two folders of the same name."""
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:8]
    return _name(f"files: {path.name or path} ({digest})")


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
