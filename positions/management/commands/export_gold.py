"""`manage.py export_gold DOC_IDS… --out DIR`: curated statements of chosen documents in the corpus gold format.

Curated means approved, or corrected by a curator and not rejected; pending machine output is left
out, so the files grow the evaluation set with what people decided. One file per document, as
`evaluate` writes its predictions (corpus/README.md), so `score.py` reads both.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch, Q
from django.utils.text import slugify

from positions.models import Document, Statement
from positions.vocabularies import ReviewState


def curated_statements():
    return (
        Statement.objects.filter(Q(review_state=ReviewState.APPROVED) | Q(corrected=True))
        .exclude(review_state=ReviewState.REJECTED)
        .select_related("speaker", "party")
        .prefetch_related("topics")
        .order_by("start", "end", "pk")
    )


def statement_gold(statement: Statement) -> dict:
    """One statement in the gold format (the shape of `Found.as_gold`, from the curated row)."""
    return {
        "quote": statement.quote,
        "start": statement.start,
        "end": statement.end,
        "speaker": statement.speaker.name if statement.speaker_id else None,
        "party": statement.party.name if statement.party_id else None,
        "mode": statement.mode,
        "kind": statement.kind,
        "topics": sorted(t.key for t in statement.topics.all()),
    }


def document_name(document: Document) -> str:
    """The corpus name of a document: its file's stem when it came from one, else id and title."""
    last = Path(urlsplit(document.url).path).name if document.url else ""
    if last.endswith((".txt", ".text")):
        return Path(last).stem
    return f"document-{document.pk}-{slugify(document.title)[:60]}".rstrip("-")


class Command(BaseCommand):
    help = "Write the curated statements of the given documents in the corpus gold format, one JSON file each."

    def add_arguments(self, parser):
        parser.add_argument("document_ids", nargs="+", type=int, metavar="DOC_ID")
        parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="Where the gold files go.")
        parser.add_argument("--with-text", action="store_true", help="Also write each document's text as NAME.txt.")

    def handle(self, *args, document_ids: list[int], out: Path, with_text: bool, **options):
        documents = Document.objects.filter(pk__in=document_ids).prefetch_related(
            Prefetch("statements", queryset=curated_statements(), to_attr="curated")
        )
        found = {d.pk: d for d in documents}
        missing = [str(i) for i in document_ids if i not in found]
        if missing:
            raise CommandError(f"no document with id {', '.join(missing)}")
        out.mkdir(parents=True, exist_ok=True)
        for document_id in dict.fromkeys(document_ids):
            document = found[document_id]
            name = document_name(document)
            record = {
                "document": f"{name}.txt",
                "published": document.published.isoformat() if document.published else None,
                "statements": [statement_gold(s) for s in document.curated],
            }
            (out / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
            if with_text:
                (out / f"{name}.txt").write_text(document.text, encoding="utf-8")
            self.stdout.write(f"{name}.json: {len(document.curated)} curated statements")
