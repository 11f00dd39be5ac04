"""The fitted models the statement stages use, loaded once per process from positions/statements/trained/.

`manage.py train_extractor` writes them there with a card (card.json) naming the data each was fitted
on; their version is the extractor version every statement records.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from positions.statements import learned
from positions.statements.kinds import KindModel
from positions.statements.linker import Linker
from positions.statements.tagger import Tagger

TRAINED = Path(__file__).resolve().parent / "trained"
FILES = {
    "tagger": "tagger.crfsuite",
    "linker": "linker.json",
    "relevance_alone": "relevance_alone.json",
    "relevance": "relevance.json",
    "issues": "issues.json",
    "kinds": "kinds.json",
}


class MissingModels(RuntimeError):
    """The trained models are not there: run `manage.py train_extractor`."""


@dataclass(frozen=True)
class Models:
    tagger: Tagger
    linker: Linker
    relevance_alone: learned.LinearModel  # a statement read alone
    relevance: learned.LinearModel  # read with how its neighbours were read alone (topics.Judge)
    issues: learned.LinearModel
    kind: KindModel
    version: str


def load(folder: Path) -> Models:
    missing = [name for name in FILES.values() if not (folder / name).exists()]
    if missing:
        raise MissingModels(f"no {', '.join(missing)} in {folder}: run `manage.py train_extractor`")
    card = json.loads((folder / "card.json").read_text(encoding="utf-8")) if (folder / "card.json").exists() else {}
    return Models(
        tagger=Tagger(folder / FILES["tagger"]),
        linker=Linker(learned.LinearModel.load(folder / FILES["linker"])),
        relevance_alone=learned.LinearModel.load(folder / FILES["relevance_alone"]),
        relevance=learned.LinearModel.load(folder / FILES["relevance"]),
        issues=learned.LinearModel.load(folder / FILES["issues"]),
        kind=KindModel(learned.LinearModel.load(folder / FILES["kinds"])),
        version=card.get("version", "unversioned"),
    )


def load_decisions(base: Models, folder: Path) -> Models:
    """`base`'s tagger and linker with the relevance, issue and kind models of another folder."""
    return Models(
        tagger=base.tagger,
        linker=base.linker,
        relevance_alone=learned.LinearModel.load(folder / FILES["relevance_alone"]),
        relevance=learned.LinearModel.load(folder / FILES["relevance"]),
        issues=learned.LinearModel.load(folder / FILES["issues"]),
        kind=KindModel(learned.LinearModel.load(folder / FILES["kinds"])),
        version=base.version,
    )


@lru_cache(maxsize=1)
def shipped() -> Models:
    """The models shipped with the project."""
    return load(TRAINED)
