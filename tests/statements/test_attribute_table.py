"""The parser's attribute rules applied by table (attribute_table.py) set what spaCy's own ruler sets."""

from pathlib import Path

import pytest

from positions.statements import nlp

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus" / "raw"

# Every kind of rule the English ruler has: a tag's part of speech and features, a form with its tag ("I",
# "something", "'d"), a form or tag with its dependency ("but" as advmod, "it" as object, an auxiliary, a
# determiner standing alone, "that" as mark), spaces, and the rules over two tokens ("gon na", "got ta",
# "let 's", "c'm on", "y' all", "ai n't", "there is").
RULES = """I'd say we're gonna win, but you gotta see it. Let's go, y'all! C'mon, it ain't over.
There is something nobody knows; those who do will tell him and her. That is that.
She said that he had done it, as if anyone could. I gave it to you.  Two  spaces.
Did they? They did, and they have. But they had not, but then again  \t who has?
"""


@pytest.fixture(scope="module")
def pipelines():
    return nlp.shipped(), nlp.pipeline()


def readings(doc) -> list[tuple]:
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_, t.is_sent_start)
        for t in doc
    ]


def test_the_extractor_parses_with_the_table_in_the_rulers_place(pipelines):
    shipped, ours = pipelines
    assert "attribute_ruler" in shipped.pipe_names
    assert ours.pipe_names == [
        "positions_attribute_table" if name == "attribute_ruler" else name for name in shipped.pipe_names
    ]


def test_every_kind_of_rule_sets_what_the_ruler_sets(pipelines):
    shipped, ours = pipelines
    for line in RULES.splitlines():
        assert readings(ours(line)) == readings(shipped(line)), line
    lemmas = {t.text: t.lemma_ for t in ours(RULES)}
    assert (lemmas["gon"], lemmas["na"], lemmas["ta"], lemmas["ai"]) == ("go", "to", "to", "be")  # two-token rules


def test_the_corpus_texts_read_the_same(pipelines):
    shipped, ours = pipelines
    paragraphs = [p for path in sorted(CORPUS.glob("*.txt"))[:20] for p in path.read_text().split("\n") if p.strip()]
    assert len(paragraphs) > 200
    tokens = 0
    for mine, theirs in zip(ours.pipe(paragraphs), shipped.pipe(paragraphs), strict=True):
        assert readings(mine) == readings(theirs), mine.text[:80]
        tokens += len(mine)
    assert tokens > 10_000
