"""`manage.py train_extractor`: the models fitted on a tiny corpus, the same files twice, and its refusals.

The corpus is copied at test time from ../shared/corpus into a temporary folder: PolNeAR's text never
enters the repository, so the test is skipped, with its reason, where that folder is absent.
"""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from positions.models import Statement
from positions.statements import models
from positions.vocabularies import ReviewState
from tests.conftest import CORPUS, shared

pytestmark = pytest.mark.django_db
# Six short PolNeAR training articles (75 attributions) and four gold documents: two transcripts, two releases.
POLNEAR_DOCUMENTS = (
    "breitbart_2015-11-19_hillary-clinton-calls-on-u-s-to-",
    "breitbart_2015-12-07_clinton-camp-trump-s-islamaphobi",
    "breitbart_2015-12-10_millennial-democratics-prefer-be",
    "breitbart_2015-12-16_newspaper-defense-secretary-used",
    "breitbart_2016-02-06_republican-presidential-candidat",
    "breitbart_2016-02-11_fix-is-in-pbs-moderators-ignore-",
)
GOLD_DOCUMENTS = (
    "2009-12-18_whitehouse_obama-medvedev-after-meeting-copenhagen",
    "2011-09-27_ungd_lavrov-unga66-general-debate-excerpt",
    "2012-03-26_uscongress_thornberry-statement-obama-flexibility-remark",
    "2013-06-19_uscongress_cooper-statement-obama-nuclear-reduction-proposal",
)


def copy_documents(source: Path, names: tuple[str, ...], target: Path, *, manifest: bool) -> tuple[Path, Path]:
    """RAW and GOLD folders under target holding the named documents (and their MANIFEST rows)."""
    raw, gold = target / "raw", target / "gold"
    raw.mkdir(parents=True)
    gold.mkdir(parents=True)
    for name in names:
        (raw / f"{name}.txt").write_bytes((source / "raw" / f"{name}.txt").read_bytes())
        (gold / f"{name}.json").write_bytes((source / "gold" / f"{name}.json").read_bytes())
    if manifest:
        with (source / "raw" / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            rows = [row for row in reader if row["file"].removesuffix(".txt") in names]
            fields = reader.fieldnames
        assert len(rows) == len(names)
        with (raw / "MANIFEST.tsv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, delimiter="\t")
            writer.writeheader()
            writer.writerows(rows)
    return raw, gold


@pytest.fixture
def tiny_corpus(tmp_path) -> tuple[tuple[Path, Path], tuple[Path, Path]]:
    # PolNeAR's text is read from ../shared and never kept in the project.
    polnear = copy_documents(shared("corpus", "polnear-train"), POLNEAR_DOCUMENTS, tmp_path / "polnear", manifest=False)
    gold = copy_documents(CORPUS, GOLD_DOCUMENTS, tmp_path / "ours", manifest=True)
    return polnear, gold


def train(polnear, gold, out: Path) -> str:
    stdout = io.StringIO()
    call_command(
        "train_extractor", "--polnear", *map(str, polnear), "--gold", *map(str, gold), "--out", str(out),
        "--no-curated", stdout=stdout, stderr=io.StringIO(),
    )  # fmt: skip
    return stdout.getvalue()


def test_it_writes_the_same_models_twice_from_the_same_data(seeded, tiny_corpus, tmp_path):
    polnear, gold = tiny_corpus
    first, second = tmp_path / "first", tmp_path / "second"
    train(polnear, gold, first)
    said = train(polnear, gold, second)

    for name in models.FILES.values():
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    card, again = (json.loads((folder / "card.json").read_text(encoding="utf-8")) for folder in (first, second))
    assert card["version"] == again["version"]
    assert card["version"].startswith("learned-")
    assert f"models {card['version']} written to {second}" in said
    assert card["data"]["polnear"] == {"documents": 6, "statements": 75}
    assert card["data"]["gold"]["documents"] == 4
    assert card["data"]["curated"] == {"documents": 0, "statements": 0}

    loaded = models.load(second)
    assert loaded.version == card["version"]
    assert loaded.linker.model.classes == ("0", "1")
    assert loaded.relevance.classes == ("0", "1")
    assert len(loaded.kind.model.classes) >= 2


def test_decisions_only_refits_the_decisions_and_keeps_the_tagger_the_linker_and_what_their_card_says(
    seeded, tiny_corpus, tmp_path
):
    polnear, gold = tiny_corpus
    out = tmp_path / "out"
    train(polnear, gold, out)
    before = json.loads((out / "card.json").read_text(encoding="utf-8"))
    kept = {name: (out / name).read_bytes() for name in (models.FILES["tagger"], models.FILES["linker"])}
    (out / models.FILES["relevance"]).unlink()  # refitted, not kept

    call_command("train_extractor", "--decisions-only", "--gold", *map(str, gold), "--out", str(out), "--no-curated",
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip

    after = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert {name: (out / name).read_bytes() for name in kept} == kept
    assert (out / models.FILES["relevance"]).exists()
    for part in ("tagger", "linker"):
        assert after[part] == before[part]
        assert after["seconds"][part] == before["seconds"][part]
    assert after["seconds"]["parse"] == before["seconds"]["parse"]
    assert after["data"]["polnear"] == before["data"]["polnear"] == {"documents": 6, "statements": 75}
    assert after["version"] == before["version"]  # the same data: the same decisions, the same files


def test_it_refuses_when_there_is_nothing_to_learn_spans_from(seeded, tmp_path):
    with pytest.raises(CommandError, match="nothing to learn spans from"):
        call_command("train_extractor", "--no-corpus", "--no-curated", "--out", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_it_refuses_a_user_s_corpus_without_curated_statements(seeded, tmp_path):
    """--no-corpus reads the curated statements alone: with none approved or corrected, nothing to learn from."""
    assert Statement.objects.filter(review_state=ReviewState.APPROVED).exists()
    Statement.objects.update(review_state=ReviewState.PENDING, corrected=False)
    with pytest.raises(CommandError, match="nothing to learn spans from"):
        call_command("train_extractor", "--no-corpus", "--out", str(tmp_path / "out"))


def test_it_refuses_decisions_only_without_a_tagger_in_out(seeded, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "linker.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="--decisions-only needs a fitted tagger"):
        call_command("train_extractor", "--decisions-only", "--no-corpus", "--no-curated", "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["linker.json"]
