"""`manage.py evaluate`: the statement stages scored against the corpus gold, as score.py scores them."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import CORPUS, shared

pytestmark = pytest.mark.django_db

# Floors at the learned extractor's figures today, a little under them: out of fold (`evaluate --folds 5`) on
# the project's copy of the gold (tests/data: 44 documents, 357 statements; the seed's news report is not
# openly licensed and stays in ../shared), and PolNeAR dev with the shipped models. On the copy: span 0.776,
# strict 0.768, char 0.863, speaker 0.759, party 0.967, kind macro-F1 0.258 (0.347 with the seed's report,
# whose 27 statements include a fifth of the rarer kinds), topic 0.713; judged with one keyword an issue
# (`--thin-keywords 1`, a negotiation entered in haste): strict 0.746, topic 0.574; PolNeAR dev: span 0.803,
# strict 0.688, char 0.849, speaker 0.637, named 0.865. Issue 14's targets are higher for most of them
# (strict 0.82, char 0.85, speaker 0.82, kind macro-F1 0.50, topic 0.75; PolNeAR strict 0.68, char 0.84,
# speaker 0.62, named 0.88): docs/extraction.md gives both, and these floors only keep what is reached from
# sliding back.
OUT_OF_FOLD_FLOORS = {
    "span_f1": 0.77, "strict_f1": 0.76, "char_f1": 0.86, "speaker_f1": 0.75, "party_acc": 0.96,
    "kind_macro_f1": 0.24, "topic_f1": 0.70,
}  # fmt: skip
THIN_FLOORS = {"strict_f1": 0.73, "topic_f1": 0.56}
POLNEAR_FLOORS = {"span_f1": 0.79, "strict_f1": 0.68, "char_f1": 0.84, "speaker_f1": 0.62, "named_speaker_acc": 0.85}


def evaluate(raw: Path, gold: Path, out: Path, *extra: str) -> dict:
    stdout = io.StringIO()
    call_command("evaluate", str(raw), "--gold", str(gold), "--out", str(out), "--json", *extra, stdout=stdout)
    return json.loads(stdout.getvalue().splitlines()[-1])


def scored_by_the_corpus_scorer(gold: Path, out: Path, *extra: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(shared("corpus", "score.py")), str(gold), str(out), "--json", *extra],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def _seeded_run(django_db_blocker, *args) -> dict:
    from django.db import transaction

    from positions.services import negotiation_seed
    from tests.conftest import SEED_FILE

    with django_db_blocker.unblock(), transaction.atomic():
        negotiation_seed(data=json.loads(SEED_FILE.read_text(encoding="utf-8")))
        figures = evaluate(*args)
        transaction.set_rollback(True)
    return figures


@pytest.fixture(scope="module")
def corpus_run(django_db_setup, django_db_blocker, tmp_path_factory):
    out = tmp_path_factory.mktemp("predictions")
    return _seeded_run(django_db_blocker, CORPUS / "raw", CORPUS / "gold", out), out


@pytest.fixture(scope="module")
def out_of_fold_run(django_db_setup, django_db_blocker, tmp_path_factory):
    out = tmp_path_factory.mktemp("out-of-fold")
    return _seeded_run(django_db_blocker, CORPUS / "raw", CORPUS / "gold", out, "--folds", "5"), out


def test_it_writes_a_prediction_for_every_document_in_the_gold_format(corpus_run):
    _figures, out = corpus_run
    raw = sorted(p.stem for p in (CORPUS / "raw").glob("*.txt"))
    assert sorted(p.stem for p in out.glob("*.json")) == raw
    for path in out.glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        text = (CORPUS / "raw" / record["document"]).read_text(encoding="utf-8")
        for statement in record["statements"]:
            assert text[statement["start"] : statement["end"]] == statement["quote"]
            assert statement["mode"] in {"direct", "indirect", "turn"}


def test_its_figures_are_the_corpus_scorers(corpus_run):
    figures, out = corpus_run
    theirs = scored_by_the_corpus_scorer(CORPUS / "gold", out)
    keys = ("span_f1", "strict_f1", "char_f1", "speaker_f1", "party_acc", "kind_macro_f1", "topic_f1")
    for key in (*keys, "gold", "predicted"):
        assert figures["overall"][key] == pytest.approx(theirs[key])
    assert set(figures["by_mode"]) == {"direct", "indirect", "turn"}
    assert sum(m["gold"] for m in figures["by_mode"].values()) == theirs["gold"]
    assert figures["documents_per_second"] > 0


def test_out_of_fold_it_keeps_its_figures(out_of_fold_run):
    figures, out = out_of_fold_run
    print("out of fold:", {key: round(figures["overall"][key], 3) for key in OUT_OF_FOLD_FLOORS})
    for key, floor in OUT_OF_FOLD_FLOORS.items():
        assert figures["overall"][key] >= floor, f"{key} {figures['overall'][key]:.3f} < {floor}"
    theirs = scored_by_the_corpus_scorer(CORPUS / "gold", out)
    for key in OUT_OF_FOLD_FLOORS:
        assert figures["overall"][key] == pytest.approx(theirs[key]), key


def test_out_of_fold_it_carries_to_a_negotiation_entered_with_one_keyword_an_issue(django_db_blocker, tmp_path):
    """The decision models, fitted with every keyword, judge documents whose issues have one keyword each: a
    user's new negotiation has a thinner vocabulary than the one they were fitted on (docs/extraction.md)."""
    args = (CORPUS / "raw", CORPUS / "gold", tmp_path, "--folds", "5", "--thin-keywords", "1")
    figures = _seeded_run(django_db_blocker, *args)["overall"]
    print("one keyword an issue:", {key: round(figures[key], 3) for key in THIN_FLOORS})
    for key, floor in THIN_FLOORS.items():
        assert figures[key] >= floor, f"{key} {figures[key]:.3f} < {floor}"


def test_thin_keywords_needs_folds(tmp_path):
    with pytest.raises(CommandError, match="--thin-keywords needs --folds"):
        evaluate(CORPUS / "raw", CORPUS / "gold", tmp_path, "--thin-keywords", "1")


def test_out_of_fold_it_writes_only_the_gold_documents(out_of_fold_run):
    _figures, out = out_of_fold_run
    assert sorted(p.name for p in out.glob("*.json")) == sorted(p.name for p in (CORPUS / "gold").glob("*.json"))


@pytest.fixture(scope="module")
def polnear_run(django_db_setup, django_db_blocker, tmp_path_factory):
    polnear = shared("corpus", "polnear-dev")
    out = tmp_path_factory.mktemp("polnear")
    # PolNeAR's speaker is the source as the article words it ("Rep. Gwen Moore (D-Wis.)").
    args = (polnear / "raw", polnear / "gold", out, "--any-topic", "--as-written")
    return _seeded_run(django_db_blocker, *args)["overall"], out, polnear


def test_on_general_news_it_scores_as_the_corpus_scorer_does(polnear_run):
    figures, out, polnear = polnear_run
    theirs = scored_by_the_corpus_scorer(polnear / "gold", out, "--any-topic")
    for key in POLNEAR_FLOORS:
        assert figures[key] == pytest.approx(theirs[key]), key


def test_on_general_news_it_keeps_its_figures(polnear_run):
    figures, _out, _polnear = polnear_run
    print("PolNeAR dev:", {key: round(figures[key], 3) for key in POLNEAR_FLOORS})
    for key, floor in POLNEAR_FLOORS.items():
        assert figures[key] >= floor, f"{key} {figures[key]:.3f} < {floor}"


def test_two_runs_write_the_same_predictions(seeded, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in sorted(p.name for p in (CORPUS / "raw").glob("*.txt"))[:12]:
        (raw / name).write_bytes((CORPUS / "raw" / name).read_bytes())
    call_command("evaluate", str(raw), "--out", str(tmp_path / "a"), stdout=io.StringIO())
    call_command("evaluate", str(raw), "--out", str(tmp_path / "b"), stdout=io.StringIO())
    for path in (tmp_path / "a").glob("*.json"):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_it_refuses_a_folder_that_is_not_there(seeded, tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        call_command("evaluate", str(tmp_path / "missing"), "--out", str(tmp_path / "out"))
    with pytest.raises(CommandError, match=r"no \.txt files"):
        call_command("evaluate", str(tmp_path), "--out", str(tmp_path / "out"))
    with pytest.raises(CommandError, match="--folds needs --gold"):
        call_command("evaluate", str(tmp_path), "--out", str(tmp_path / "out"), "--folds", "5")
