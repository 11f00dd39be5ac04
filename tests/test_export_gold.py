"""`manage.py export_gold`: curated statements in the corpus gold format, scoring 1.0 against themselves."""

import json
import subprocess
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from positions.vocabularies import ReviewState
from tests import factories
from tests.conftest import shared

pytestmark = pytest.mark.django_db

TEXT = (
    "NATO Secretary General Anders Fogh Rasmussen said there was no need for a legally binding agreement. "
    "Moscow insists on legally binding guarantees, Russian Foreign Minister Sergey Lavrov said. "
    "The weather was fine."
)


def said(document, quote: str, **kw):
    start = document.text.index(quote)
    topics = kw.pop("topics")
    statement = factories.statement(document=document, start=start, end=start + len(quote), **kw)
    statement.topics.set(topics)
    return statement


@pytest.fixture
def curated():
    """A document with an approved statement, a corrected one still pending, a pending and a rejected one."""
    negotiation = factories.negotiation()
    legal = factories.issue(negotiation=negotiation, key="legal-guarantees")
    arch = factories.issue(negotiation=negotiation, key="architecture")
    nato, russia = factories.party(name="NATO"), factories.party(name="Russia")
    rasmussen, lavrov = factories.actor(name="Anders Fogh Rasmussen"), factories.actor(name="Sergey Lavrov")
    document = factories.document(text=TEXT, url="https://example.org/corpus/2012-02-01_rasmussen.txt")
    document.published = date(2012, 2, 1)
    document.save()
    approved = said(
        document, "there was no need for a legally binding agreement", speaker=rasmussen, party=nato,
        mode="indirect", kind="rejection", topics=[legal, arch], review_state=ReviewState.APPROVED,
    )  # fmt: skip
    corrected = said(
        document, "Moscow insists on legally binding guarantees", speaker=lavrov, party=russia, mode="indirect",
        kind="demand", topics=[legal], review_state=ReviewState.PENDING, corrected=True,
    )  # fmt: skip
    said(document, "The weather was fine.", kind="assessment", topics=[arch], review_state=ReviewState.PENDING)
    said(
        document, "Anders Fogh Rasmussen", kind="assessment", topics=[arch], review_state=ReviewState.REJECTED,
        corrected=True,
    )  # fmt: skip
    return document, [approved, corrected]


def test_it_writes_the_curated_statements_in_the_gold_format(curated, tmp_path):
    document, statements = curated

    call_command("export_gold", str(document.pk), "--out", str(tmp_path), "--with-text")

    record = json.loads((tmp_path / "2012-02-01_rasmussen.json").read_text(encoding="utf-8"))
    assert record["document"] == "2012-02-01_rasmussen.txt" and record["published"] == "2012-02-01"
    assert record["statements"] == [
        {
            "quote": "there was no need for a legally binding agreement", "start": statements[0].start,
            "end": statements[0].end, "speaker": "Anders Fogh Rasmussen", "party": "NATO", "mode": "indirect",
            "kind": "rejection", "topics": ["architecture", "legal-guarantees"],
        },
        {
            "quote": "Moscow insists on legally binding guarantees", "start": statements[1].start,
            "end": statements[1].end, "speaker": "Sergey Lavrov", "party": "Russia", "mode": "indirect",
            "kind": "demand", "topics": ["legal-guarantees"],
        },
    ]  # fmt: skip
    text = (tmp_path / "2012-02-01_rasmussen.txt").read_text(encoding="utf-8")
    assert all(text[s["start"] : s["end"]] == s["quote"] for s in record["statements"])


def test_the_export_scores_one_against_itself_with_the_corpus_scorer(curated, tmp_path):
    document, _ = curated
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    call_command("export_gold", str(document.pk), "--out", str(gold))
    call_command("export_gold", str(document.pk), "--out", str(pred))

    score = shared("corpus", "score.py")
    run = subprocess.run(
        ["python3", str(score), str(gold), str(pred), "--json"], capture_output=True, text=True, check=True
    )

    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["gold"] == figures["predicted"] == 2
    for name in ("span_f1", "speaker_f1", "party_acc", "kind_acc", "kind_macro_f1", "topic_f1"):
        assert figures[name] == 1.0, name


def test_an_unknown_document_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no document with id 999999"):
        call_command("export_gold", "999999", "--out", str(tmp_path))
