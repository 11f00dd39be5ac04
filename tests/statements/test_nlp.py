"""Paragraphs cut into pieces the parser reads: at sentence ends or spaces, losing nothing, up to MAX_CHARS."""

import itertools

import pytest

from positions.statements.nlp import CHUNK, MAX_CHARS, Piece, pieces


def assert_tiles(text: str, found: list[Piece], start: int, end: int) -> None:
    """The pieces run from start to end in order, each at most CHUNK long, with only whitespace between."""
    assert found[0].start == start
    assert found[-1].end == end
    for piece in found:
        assert 0 < piece.end - piece.start <= CHUNK
        assert not text[piece.start].isspace()
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start
        assert text[before.end : after.start].strip() == ""


def test_it_keeps_a_short_paragraph_whole():
    text = "Lavrov said Russia would respond.\nRasmussen said NATO would wait."
    assert pieces(text, [(0, 33), (34, 65)]) == [Piece(0, 33, 0, True), Piece(34, 65, 1, True)]


def test_it_cuts_a_long_paragraph_at_sentence_ends():
    sentence = "Lavrov said the plan would “abolish” the treaty. "
    text = "Intro.\n" + (sentence * 250).strip()
    found = pieces(text, [(0, 6), (7, len(text))])
    assert found[0] == Piece(0, 6, 0, True)
    long = found[1:]
    assert len(long) >= (len(text) - 7) / CHUNK > 1
    assert [p.first for p in long] == [True] + [False] * (len(long) - 1)
    assert {p.paragraph for p in long} == {1}
    assert_tiles(text, long, 7, len(text))
    for piece in long:
        assert text[piece.start : piece.end].strip().endswith("treaty.")
        assert text[piece.start : piece.end].startswith("Lavrov said")


def test_it_cuts_after_a_closing_mark_that_follows_a_sentence_end():
    sentence = "“We will respond to any deployment.” "
    text = (sentence * 200).strip()
    found = pieces(text, [(0, len(text))])
    assert len(found) > 1
    assert_tiles(text, found, 0, len(text))
    assert all(text[p.start : p.end].strip().endswith(".”") for p in found)


def test_it_cuts_at_a_space_where_no_sentence_ends():
    text = " ".join(f"word{k}" for k in range(2000))
    found = pieces(text, [(0, len(text))])
    assert len(found) > 1
    assert_tiles(text, found, 0, len(text))
    for before in found[:-1]:
        assert text[before.end - 1] == " "  # never inside a word
        assert text[before.start : before.end].split()[-1].startswith("word")


def test_it_cuts_a_text_with_no_spaces_every_chunk():
    text = "x" * (CHUNK * 2 + 10)
    assert pieces(text, [(0, len(text))]) == [
        Piece(0, CHUNK, 0, True), Piece(CHUNK, 2 * CHUNK, 0, False), Piece(2 * CHUNK, len(text), 0, False),
    ]  # fmt: skip


def test_it_reads_nothing_past_max_chars():
    text = "a" * (MAX_CHARS - 10) + "\n" + "Lavrov said Russia would respond." + "\nNATO would wait."
    first = MAX_CHARS - 10
    second = (first + 1, first + 34)
    third = (second[1] + 1, len(text))
    found = pieces(text, [(0, first), second, third])
    assert found[-1] == Piece(second[0], MAX_CHARS, 1, True)
    assert all(p.paragraph in (0, 1) for p in found)
    assert max(p.end for p in found) == MAX_CHARS


@pytest.mark.parametrize(
    "unit",
    ["Lavrov said the plan was dead. ", "word ", "x", "a.", "“No!” ", "one\ttwo  three, "],
    ids=["sentences", "words", "one-word", "stops-without-spaces", "quoted", "tabs-and-commas"],
)
def test_it_reads_a_million_character_line_up_to_max_chars(unit):
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    found = pieces(text, [(0, len(text))])
    assert_tiles(text, found, 0, MAX_CHARS)
    covered = sum(p.end - p.start for p in found)
    between = "".join(text[a.end : b.start] for a, b in itertools.pairwise(found))
    assert covered + len(between) == MAX_CHARS
