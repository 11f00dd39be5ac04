"""Quotations paired per paragraph, and reported clauses with their cues."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.statements.speech import Quote, quotes, words
from positions.statements.structure import paragraphs

MARKS = "“”«»„\"'"
STRAY_PARAGRAPHS = [
    "”",
    '"""',
    '"""Three in a row, then words.',
    "Stray ” closing mark and “ an opening one never closed",
    "”“”“”“",
    '" " " " "',
    "''''''",
    "« » „ “ ” ' \" ' \"",
    'He said "yes" and "no" and "maybe',
    '“Nested "straight" marks” and a tail ”',
    "a”b“c”d“e",
]


def _quoted(text, found):
    return [text[q.start : q.end] for q in found]


def assert_well_formed(text: str, start: int, end: int, found: list[Quote]) -> None:
    previous_end = start
    for q in found:
        assert previous_end <= q.open_start < q.start <= q.end <= q.close_end <= end, q
        assert text[q.open_start] in MARKS, q
        content = text[q.start : q.end]
        assert content and content == content.strip(), q
        if q.runs_on:
            assert q.close_end == end and q.end <= end, q
        else:
            assert text[q.close_end - 1] in MARKS and q.end < q.close_end, q
        previous_end = q.close_end


def test_it_pairs_curly_and_straight_quotation_marks():
    text = 'He said “we will not” and then "maybe later" too.'
    found = quotes(text, 0, len(text))
    assert found == [
        Quote(9, 20, 8, 21, runs_on=False, continued=False),
        Quote(32, 43, 31, 44, runs_on=False, continued=False),
    ]
    assert _quoted(text, found) == ["we will not", "maybe later"]


def test_it_pairs_quotation_marks_within_one_paragraph_only():
    text = "Rasmussen said: “NATO and Russia should cooperate.\n“The systems will exchange data,” he said.\n"
    first, second = paragraphs(text)
    opened = quotes(text, first.start, first.end)
    assert opened == [Quote(17, first.end, 16, first.end, runs_on=True, continued=False)]
    assert _quoted(text, opened) == ["NATO and Russia should cooperate."]
    following = quotes(text, second.start, second.end, open_before=True)
    assert len(following) == 1
    assert following[0].continued and not following[0].runs_on
    assert _quoted(text, following) == ["The systems will exchange data,"]
    assert text[following[0].open_start] == "“"


def test_it_does_not_mark_a_quotation_continued_when_the_previous_paragraph_closed_its_own():
    text = "“The systems will exchange data,” he said."
    assert quotes(text, 0, len(text), open_before=False)[0].continued is False


def test_it_does_not_mark_a_quotation_continued_unless_it_opens_the_paragraph():
    text = "He went on: “The systems will exchange data.”"
    assert quotes(text, 0, len(text), open_before=True)[0].continued is False


def test_it_reads_doubled_apostrophes_as_quotation_marks():
    text = "He called it ''a big mistake'' and ''a waste of money''."
    found = quotes(text, 0, len(text))
    assert _quoted(text, found) == ["a big mistake", "a waste of money"]
    assert [(q.open_start, q.close_end) for q in found] == [(13, 30), (35, 55)]


def test_it_does_not_take_apostrophes_in_words_for_quotation_marks():
    text = "Russia’s position and NATO's plan don't change."
    assert quotes(text, 0, len(text)) == []


def test_it_drops_an_unpaired_closing_mark_and_runs_an_unclosed_quotation_to_the_end():
    text = "Stray ” here and “ unclosed text runs on"
    found = quotes(text, 0, len(text))
    assert found == [Quote(19, 40, 17, 40, runs_on=True, continued=False)]


def test_it_respects_the_paragraph_bounds_it_is_given():
    text = "Before “outside” | inside “quoted words” | after “also outside”"
    a, b = text.index("|"), text.rindex("|")
    assert _quoted(text, quotes(text, a, b)) == ["quoted words"]


@pytest.mark.parametrize("paragraph", STRAY_PARAGRAPHS)
def test_it_never_fails_on_stray_quotation_marks(paragraph):
    text = f"Intro.\n{paragraph}\nOutro."
    para = paragraphs(text)[1]
    for open_before in (False, True):
        found = quotes(text, para.start, para.end, open_before)
        assert_well_formed(text, para.start, para.end, found)


def test_it_yields_well_formed_spans_for_a_document_of_stray_marks():
    rnd = random.Random(2011)
    alphabet = MARKS + "‘’ \n.,:;()—–-ab"
    text = "".join(rnd.choice(alphabet) for _ in range(20_000))
    count = 0
    for para in paragraphs(text):
        for open_before in (False, True):
            found = quotes(text, para.start, para.end, open_before)
            assert_well_formed(text, para.start, para.end, found)
            count += len(found)
    assert count > 100  # the document did give the pairing something to do


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.text(alphabet=MARKS + "‘’ .,(—ab", max_size=40), st.booleans())
def test_it_yields_well_formed_spans_for_any_paragraph_of_marks(paragraph, open_before):
    found = quotes(paragraph, 0, len(paragraph), open_before)
    assert_well_formed(paragraph, 0, len(paragraph), found)


def test_it_does_not_quote_a_bare_quotation_mark():
    text = 'He wrote """ and left.'
    found = quotes(text, 0, len(text))
    assert not any(set(text[q.start : q.end]) <= set(MARKS) for q in found), found


def test_it_counts_words():
    assert words("We’ve been clear, all along: 28 allies!") == 7
    assert words("“ ” - —") == 0
