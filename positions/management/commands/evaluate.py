"""`manage.py evaluate RAW_DIR --gold GOLD_DIR --out PRED_DIR`: the statement stages against gold annotations."""

import csv
import json
import re
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from positions import selectors
from positions.ingest.text import normalize_text
from positions.models import Negotiation
from positions.statements.extract import extract
from positions.statements.records import EXTRACTOR_VERSION, DocumentInput
from positions.statements.scoring import score

FIGURES = (
    "span_p", "span_r", "span_f1", "strict_f1", "char_p", "char_r", "char_f1", "speaker_p", "speaker_r",
    "speaker_f1", "party_acc", "kind_acc", "kind_macro_f1", "topic_f1", "named_speaker_acc",
)  # fmt: skip
DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")


class Command(BaseCommand):
    help = (
        "Run the statement stages on every .txt in RAW_DIR (date, title and publisher from its MANIFEST.tsv), "
        "write one prediction per document in the corpus gold format, and score them against GOLD_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("raw_dir", type=Path, metavar="RAW_DIR")
        parser.add_argument("--gold", type=Path, metavar="GOLD_DIR", help="Gold annotations to score against.")
        parser.add_argument("--out", type=Path, required=True, metavar="PRED_DIR", help="Where predictions go.")
        parser.add_argument(
            "--any-topic", action="store_true", help="Score every prediction, with or without topics (as score.py)."
        )
        parser.add_argument(
            "--as-written",
            action="store_true",
            help="Write each speaker as the document words it, PolNeAR's convention, not its canonical name.",
        )
        parser.add_argument("--negotiation", help="Slug of the negotiation whose issues are the topics (default: all).")
        parser.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")

    def handle(self, *args, raw_dir: Path, gold: Path | None, out: Path, any_topic: bool, **options):
        if not raw_dir.is_dir():
            raise CommandError(f"no such folder: {raw_dir}")
        if gold is not None and not gold.is_dir():
            raise CommandError(f"no such folder: {gold}")
        negotiation = None
        if options["negotiation"]:
            negotiation = Negotiation.objects.filter(slug=options["negotiation"]).first()
            if negotiation is None:
                raise CommandError(f"no negotiation with slug {options['negotiation']!r}")
        lexicon = selectors.lexicon_load(negotiation=negotiation)
        if not lexicon.topics and not any_topic:
            raise CommandError("no issues in the database to take topics from: run `manage.py seed` first")
        manifest = _manifest(raw_dir / "MANIFEST.tsv")
        files = sorted(raw_dir.glob("*.txt"))
        if not files:
            raise CommandError(f"no .txt files in {raw_dir}")
        out.mkdir(parents=True, exist_ok=True)
        predictions, elapsed, characters = {}, 0.0, 0
        for path in tqdm(files, desc="extracting", unit="doc", disable=not self.stderr.isatty()):
            raw = path.read_text(encoding="utf-8")
            text = normalize_text(raw)
            if text != raw.rstrip():
                self.stderr.write(f"warning: {path.name} changes when normalised; offsets follow the normalised text")
            meta = manifest.get(path.name, {})
            published = _date(meta.get("date", "")) or _date_in_name(path.name)
            document = DocumentInput(
                text=text, published=published, title=meta.get("title", ""), publisher=meta.get("publisher", "")
            )
            began = time.perf_counter()
            found = extract(document, lexicon)
            elapsed += time.perf_counter() - began
            characters += len(text)
            statements = [f.as_gold(as_written=options["as_written"]) for f in found]
            predictions[path.stem + ".json"] = statements
            record = {
                "document": path.name,
                "published": published.isoformat() if published else None,
                "extractor_version": EXTRACTOR_VERSION,
                "statements": statements,
            }
            (out / f"{path.stem}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        rate = len(files) / elapsed if elapsed else float("inf")
        self.stdout.write(
            f"{len(files)} documents ({characters / 1000:.0f} kB) in {elapsed:.2f} s of extraction: "
            f"{rate:.1f} documents per second; predictions in {out}"
        )
        if gold is None:
            return
        gold_docs = {
            p.name: json.loads(p.read_text(encoding="utf-8"))["statements"] for p in sorted(gold.glob("*.json"))
        }
        if not gold_docs:
            raise CommandError(f"no gold files in {gold}")
        overall, by_mode = score(gold_docs, predictions, any_topic=any_topic)
        if options["json"]:
            self.stdout.write(json.dumps({"overall": overall, "by_mode": by_mode, "documents_per_second": rate}))
            return
        self.stdout.write(f"{len(gold_docs)} gold documents, {overall['gold']} gold statements")
        header = f"{'figure':18}{'all':>8}" + "".join(f"{mode:>10}" for mode in by_mode)
        self.stdout.write(header)
        for key in ("gold", "predicted", *FIGURES):
            cells = [overall[key], *(figures[key] for figures in by_mode.values())]
            self.stdout.write(f"{key:18}" + "".join(_cell(c, 8 if i == 0 else 10) for i, c in enumerate(cells)))


def _cell(value, width: int) -> str:
    return f"{value:>{width}.3f}" if isinstance(value, float) else f"{value:>{width}}"


def _manifest(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t") if row.get("file")}


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _date_in_name(name: str) -> date | None:
    match = DATE_IN_NAME.search(name)
    return _date("-".join(match.groups())) if match else None
