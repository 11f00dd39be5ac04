"""`manage.py evaluate RAW_DIR --gold GOLD_DIR --out PRED_DIR [--folds K]`: the statement stages against gold.

Without --folds the shipped models read every document. With --folds K the relevance, issue and kind
models are fitted anew on K-1 folds of the gold documents and read the last, for each fold, so every
figure is out of fold; the span tagger and the linker are the shipped ones, fitted on PolNeAR's
training split only (positions/statements/trained/card.json), so they have seen none of the gold.
"""

import json
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from positions import selectors
from positions.models import Negotiation
from positions.statements import corpus, training
from positions.statements.extract import extract
from positions.statements.models import shipped
from positions.statements.records import EXTRACTOR_VERSION, DocumentInput
from positions.statements.scoring import score

FIGURES = (
    "span_p", "span_r", "span_f1", "strict_f1", "char_p", "char_r", "char_f1", "speaker_p", "speaker_r",
    "speaker_f1", "party_acc", "kind_acc", "kind_macro_f1", "topic_f1", "named_speaker_acc",
)  # fmt: skip


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
            "--folds",
            type=int,
            default=0,
            metavar="K",
            help="Fit the relevance, issue and kind models on K-1 folds of the gold documents and score the last, "
            "for each fold: out-of-fold figures (needs --gold).",
        )
        parser.add_argument(
            "--thin-keywords",
            type=int,
            default=0,
            metavar="N",
            help="With --folds: judge the held-out documents with only the first N keywords of each issue (the "
            "models are still fitted with them all): how they carry to a negotiation entered with few keywords.",
        )
        parser.add_argument(
            "--any-topic", action="store_true", help="Score every prediction, with or without topics (as score.py)."
        )
        parser.add_argument(
            "--as-written",
            action="store_true",
            help="PolNeAR's conventions: each source as the document words it, a quotation with its marks and "
            "one source's quotations joined across their cue, and every content the tagger finds, attributed or not "
            "(the tracker keeps only attributed statements).",
        )
        parser.add_argument("--negotiation", help="Slug of the negotiation whose issues are the topics (default: all).")
        parser.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")

    def handle(self, *args, raw_dir: Path, gold: Path | None, out: Path, any_topic: bool, folds: int, **options):
        if not raw_dir.is_dir():
            raise CommandError(f"no such folder: {raw_dir}")
        if gold is not None and not gold.is_dir():
            raise CommandError(f"no such folder: {gold}")
        if folds and (gold is None or folds < 2):
            raise CommandError("--folds needs --gold and at least 2 folds")
        thin = options["thin_keywords"]
        if thin and (not folds or thin < 1):
            raise CommandError("--thin-keywords needs --folds and at least one keyword")
        negotiation = None
        if options["negotiation"]:
            negotiation = Negotiation.objects.filter(slug=options["negotiation"]).first()
            if negotiation is None:
                raise CommandError(f"no negotiation with slug {options['negotiation']!r}")
        lexicon = selectors.lexicon_load(negotiation=negotiation)
        if not lexicon.topics and not any_topic:
            raise CommandError("no issues in the database to take topics from: run `manage.py seed` first")
        if not any(raw_dir.glob("*.txt")):
            raise CommandError(f"no .txt files in {raw_dir}")
        documents = corpus.read(raw_dir, gold, annotated_only=bool(folds))
        out.mkdir(parents=True, exist_ok=True)
        quiet = not self.stderr.isatty()
        began = time.perf_counter()
        if folds:
            bar = tqdm(total=len(documents), desc="reading", unit="doc", disable=quiet)
            reads = training.read_all(documents, lexicon, shipped(), progress=bar.update)
            bar.close()
            with tempfile.TemporaryDirectory() as folder:
                judged_with = training.thinned(lexicon, thin) if thin else None
                found = training.cross_validate(reads, lexicon, shipped(), folds, Path(folder), judged_with)
        else:
            found = {}
            for document in tqdm(documents, desc="extracting", unit="doc", disable=quiet):
                doc = DocumentInput(document.text, document.published, document.title, document.publisher)
                found[document.name] = extract(doc, lexicon, every=options["as_written"])
        elapsed = time.perf_counter() - began
        predictions = {}
        for document in documents:
            statements = [f.as_gold(as_written=options["as_written"]) for f in found[document.name]]
            if options["as_written"]:
                statements = corpus.as_written(document.text, statements)
            predictions[f"{document.name}.json"] = statements
            record = {
                "document": f"{document.name}.txt",
                "published": document.published.isoformat() if document.published else None,
                "extractor_version": EXTRACTOR_VERSION,
                "statements": statements,
            }
            text = json.dumps(record, ensure_ascii=False, indent=1)
            (out / f"{document.name}.json").write_text(text, encoding="utf-8")
        characters = sum(len(d.text) for d in documents)
        rate = len(documents) / elapsed if elapsed else float("inf")
        self.stdout.write(
            f"{len(documents)} documents ({characters / 1000:.0f} kB) in {elapsed:.2f} s"
            f"{f' ({folds} folds)' if folds else ''}: {rate:.1f} documents per second; predictions in {out}"
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
