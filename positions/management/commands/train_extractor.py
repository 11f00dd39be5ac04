"""`manage.py train_extractor`: fit the statement stages' models and write them, with their card, to trained/.

Data, each optional: our gold corpus (RAW_DIR and GOLD_DIR, `--gold`), PolNeAR's training split
(`--polnear`), and the curated statements in the database (approved or corrected, in export_gold's
format). With no folders given it reads ../shared/corpus when it is there. A user can refit on their
own curated statements alone: `train_extractor --no-corpus`.
"""

import hashlib
import json
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch
from tqdm import tqdm

from positions import selectors
from positions.management.commands.export_gold import curated_statements, document_name, statement_gold
from positions.models import Document
from positions.statements import corpus, models, training
from positions.statements.learned import LinearModel
from positions.statements.tagger import Tagger

SHARED = Path(settings.BASE_DIR).parent / "shared" / "corpus"


def curated_documents() -> list[corpus.Annotated]:
    """Documents with curated statements, annotated with those statements (our convention)."""
    documents = (
        Document.objects.filter(statements__in=curated_statements())
        .distinct()
        .prefetch_related(Prefetch("statements", queryset=curated_statements(), to_attr="curated"))
        .order_by("pk")
    )
    return [
        corpus.Annotated(
            name=f"db-{document_name(d)}",
            text=d.text,
            published=d.published,
            title=d.title,
            publisher=d.publisher,
            statements=tuple(statement_gold(s) for s in d.curated),
            annotated=True,
        )
        for d in documents
    ]


def _annotated_elsewhere(document: corpus.Annotated, annotated: list[corpus.Annotated]) -> bool:
    quotes = [" ".join(s["quote"].split()) for s in document.statements if len(s["quote"]) >= 20]
    if not quotes:
        return False
    texts = [" ".join(d.text.split()) for d in annotated]
    found = sum(1 for q in quotes if any(q in t for t in texts))
    return found * 2 >= len(quotes)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Command(BaseCommand):
    help = "Fit the span tagger, the linker and the relevance, issue and kind models; write them to trained/."

    def add_arguments(self, parser):
        parser.add_argument("--gold", nargs=2, metavar=("RAW_DIR", "GOLD_DIR"), help="Our annotated corpus.")
        parser.add_argument("--polnear", nargs=2, metavar=("RAW_DIR", "GOLD_DIR"), help="PolNeAR's training split.")
        parser.add_argument("--no-corpus", action="store_true", help="Use only the curated statements.")
        parser.add_argument("--no-curated", action="store_true", help="Leave out the curated statements.")
        parser.add_argument("--out", type=Path, default=models.TRAINED, help="Where the model files go.")
        parser.add_argument(
            "--decisions-only",
            action="store_true",
            help="Keep the span tagger and the linker in --out and refit only the relevance, issue and kind models.",
        )

    def handle(self, *args, gold, polnear, no_corpus: bool, no_curated: bool, out: Path, decisions_only: bool, **opts):
        lexicon = selectors.lexicon_load()
        if not lexicon.topics:
            raise CommandError("no issues in the database to learn topics from: run `manage.py seed` first")
        if not no_corpus:
            gold = gold or ((SHARED / "raw", SHARED / "gold") if (SHARED / "gold").is_dir() else None)
            polnear = polnear or (
                (SHARED / "polnear-train" / "raw", SHARED / "polnear-train" / "gold")
                if (SHARED / "polnear-train").is_dir()
                else None
            )
        ours = corpus.read(Path(gold[0]), Path(gold[1]), annotated_only=True) if gold and not no_corpus else []
        general = (
            corpus.read(Path(polnear[0]), Path(polnear[1]), convention="polnear", annotated_only=True)
            if polnear and not no_corpus
            else []
        )
        curated = [] if no_curated else curated_documents()
        # A text the corpus annotates is read by its gold file alone, excerpts of it included (the seed's
        # documents quote the corpus): two annotations of one text would count it twice, and
        # `evaluate --folds` needs the tagger never to have seen a gold document.
        curated = [d for d in curated if not _annotated_elsewhere(d, ours + general)]
        if not decisions_only and not (general or curated):
            raise CommandError("nothing to learn spans from: no PolNeAR folder and no curated statements")
        if decisions_only and not (out / models.FILES["tagger"]).exists():
            raise CommandError(f"--decisions-only needs a fitted tagger and linker in {out}")
        if decisions_only:
            general = []
        card = train(ours, general, curated, lexicon, out, progress=self.stderr.isatty(), decisions_only=decisions_only)
        self.stdout.write(json.dumps(card["data"]))
        self.stdout.write(f"models {card['version']} written to {out}")


def train(gold: list[corpus.Annotated], general: list[corpus.Annotated], curated: list[corpus.Annotated], lexicon,
          out: Path, *, progress: bool = False, decisions_only: bool = False) -> dict:  # fmt: skip
    """Fit every model and write them and their card to `out`.

    The span tagger and the linker learn from PolNeAR (every attribution of general news) and the curated
    statements; the relevance, issue and kind models from the gold and the curated statements. The gold
    documents never reach the tagger and the linker, so `evaluate --folds` can keep those two as shipped
    and still score every gold document out of sample.
    """
    out.mkdir(parents=True, exist_ok=True)
    previous = json.loads((out / "card.json").read_text(encoding="utf-8")) if (out / "card.json").exists() else {}
    timings = {}
    if decisions_only:  # the tagger and the linker are kept: so are their figures, data and times
        tagger_figures, linker_figures = previous.get("tagger", {}), previous.get("linker", {})
        data_spans = previous.get("data", {})
        timings = {part: s for part, s in previous.get("seconds", {}).items() if part != "decisions"}
    else:
        began = time.perf_counter()
        spans_data = general + curated
        bar = tqdm(total=len(spans_data), desc="parsing", unit="doc", disable=not progress)
        parsed = training.parse(spans_data, progress=bar.update)
        bar.close()
        timings["parse"] = round(time.perf_counter() - began, 1)
        t0 = time.perf_counter()
        tagger_figures = training.fit_tagger(parsed, out / models.FILES["tagger"])
        timings["tagger"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        linker_figures = training.fit_linker(parsed, Tagger(out / models.FILES["tagger"]), out / models.FILES["linker"])
        timings["linker"] = round(time.perf_counter() - t0, 1)
        data_spans = {
            "polnear": {"documents": len(general), "statements": sum(len(d.statements) for d in general)},
            "curated_spans": {"documents": len(curated), "statements": sum(len(d.statements) for d in curated)},
        }
    partial = models.Models(
        tagger=Tagger(out / models.FILES["tagger"]),
        linker=models.Linker(LinearModel.load(out / models.FILES["linker"])),
        relevance_alone=None, relevance=None, issues=None, kind=None, version="training",
    )  # fmt: skip
    t0 = time.perf_counter()
    reads = training.read_all(gold + curated, lexicon, partial)
    decisions = training.fit_decisions(reads, lexicon, out)
    timings["decisions"] = round(time.perf_counter() - t0, 1)
    files = {name: {"file": f, "sha256": sha256(out / f), "bytes": (out / f).stat().st_size}
             for name, f in models.FILES.items()}  # fmt: skip
    digest = hashlib.sha256("".join(v["sha256"] for v in files.values()).encode()).hexdigest()[:10]
    card = {
        "version": f"learned-{digest}",
        "trained_on": date.today().isoformat(),
        "data": {
            "polnear": data_spans.get("polnear", {}),
            "curated_spans": data_spans.get("curated_spans", {}),
            "gold": {"documents": len(gold), "statements": sum(len(d.statements) for d in gold)},
            "curated": {"documents": len(curated), "statements": sum(len(d.statements) for d in curated)},
        },
        "tagger": tagger_figures,
        "linker": linker_figures,
        "decisions": decisions,
        "files": files,
        "seconds": timings,
    }
    (out / "card.json").write_text(json.dumps(card, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return card
