"""The span tagger's data: token labels from character spans and back, trimmed spans, the shipped CRF."""

import re

from hypothesis import example, given
from hypothesis import strategies as st

from positions.statements import tagger
from positions.statements.models import TRAINED

from .conftest import parsed, span_of, words_of


def labelled(text: str, contents: list[str], sources: list[str]) -> list[tuple[str, str]]:
    """(token, label) of a one-paragraph text, with contents and sources given by their words."""
    (sequence,) = parsed(text)
    contents, sources = [span_of(text, c) for c in contents], [span_of(text, s) for s in sources]
    labels = tagger.labels_for(sequence, text, contents, sources)
    return list(zip(words_of(text, sequence), labels, strict=True))


def test_it_labels_a_reported_clause_and_its_source():
    text = "Lavrov said Russia would respond."
    assert labelled(text, ["Russia would respond"], ["Lavrov"]) == [
        ("Lavrov", "B-S"), ("said", "O"), ("Russia", "B-C"), ("would", "I-C"), ("respond", "I-C"), (".", "O"),
    ]  # fmt: skip


def test_it_gives_a_token_under_both_a_content_and_a_source_to_the_source():
    text = "Lavrov said Russia would respond."
    assert labelled(text, ["Lavrov said Russia would respond"], ["Lavrov"]) == [
        ("Lavrov", "B-S"), ("said", "B-C"), ("Russia", "I-C"), ("would", "I-C"), ("respond", "I-C"), (".", "O"),
    ]  # fmt: skip


def test_it_labels_only_the_quoted_words_of_a_span_opening_with_a_quotation_mark():
    text = "“We will respond,” Lavrov said."
    assert labelled(text, ["“We will respond,”"], ["Lavrov"]) == [
        ("“", "O"), ("We", "B-C"), ("will", "I-C"), ("respond", "I-C"), (",", "I-C"), ("”", "O"),
        ("Lavrov", "B-S"), ("said", "O"), (".", "O"),
    ]  # fmt: skip


def test_it_splits_a_quotation_around_its_cue_into_two_contents():
    text = "“We will respond,” he said. “We are ready.”"
    (sequence,) = parsed(text)
    labels = tagger.labels_for(sequence, text, [(0, len(text))], [span_of(text, "he")])
    contents = [text[a:b] for a, b, _i, _j in tagger.spans_of(sequence, labels, "C")]
    sources = [text[a:b] for a, b, _i, _j in tagger.spans_of(sequence, labels, "S")]
    assert contents == ["We will respond,", "We are ready."]
    assert sources == ["he"]
    said = words_of(text, sequence).index("said")
    assert labels[said] == "O"


def test_it_leaves_out_the_marks_ending_a_report_and_keeps_those_inside_it():
    text = "Lavrov said the plan would “abolish” the treaty and was “dead”."
    pairs = labelled(text, ["the plan would “abolish” the treaty and was “dead”"], ["Lavrov"])
    assert pairs == [
        ("Lavrov", "B-S"), ("said", "O"), ("the", "B-C"), ("plan", "I-C"), ("would", "I-C"), ("“", "I-C"),
        ("abolish", "I-C"), ("”", "I-C"), ("the", "I-C"), ("treaty", "I-C"), ("and", "I-C"), ("was", "I-C"),
        ("“", "I-C"), ("dead", "I-C"), ("”", "O"), (".", "O"),
    ]  # fmt: skip


def test_it_ignores_spans_outside_the_sequence_s_piece():
    text = "Lavrov said Russia would respond.\nRasmussen said NATO would wait."
    first, second = parsed(text)
    spans = [span_of(text, "NATO would wait")]
    assert tagger.labels_for(first, text, spans, [span_of(text, "Rasmussen")]) == ["O"] * 6
    assert tagger.labels_for(second, text, spans, [span_of(text, "Rasmussen")]) == [
        "B-S", "O", "B-C", "I-C", "I-C", "O",
    ]  # fmt: skip


def test_it_reads_runs_of_labels_back_as_character_spans():
    text = "Lavrov said Russia would respond, and NATO would wait."
    (sequence,) = parsed(text)
    assert words_of(text, sequence) == [
        "Lavrov", "said", "Russia", "would", "respond", ",", "and", "NATO", "would", "wait", ".",
    ]  # fmt: skip
    # a B- inside a run starts a new one; an I- after O starts one too; a run may end the sequence
    labels = ["B-S", "O", "B-C", "I-C", "I-C", "O", "I-C", "B-C", "I-C", "I-C", "I-C"]
    spans = tagger.spans_of(sequence, labels, "C")
    assert [(text[a:b], i, j) for a, b, i, j in spans] == [
        ("Russia would respond", 2, 5), ("and", 6, 7), ("NATO would wait.", 7, 11),
    ]  # fmt: skip
    assert [(text[a:b], i, j) for a, b, i, j in tagger.spans_of(sequence, labels, "S")] == [("Lavrov", 0, 1)]
    assert tagger.spans_of(sequence, ["O"] * 11, "C") == []


def test_it_trims_marks_commas_and_the_that_opening_a_reported_clause():
    def trimmed(text: str) -> str:
        return text[slice(*tagger.trim(text, 0, len(text)))]

    assert trimmed("“We will respond,”") == "We will respond"
    assert trimmed(", that Russia would respond.”") == "Russia would respond."
    assert trimmed("that “we are ready”") == "we are ready"
    assert trimmed("(—Russia would respond;") == "Russia would respond"
    assert trimmed("That plan is dead") == "That plan is dead"
    assert trimmed("thatcherism is dead") == "thatcherism is dead"
    assert trimmed("“”,") == ""


def test_it_trims_within_the_text_it_is_given():
    text = "Lavrov said: “We will respond,” and left."
    start, end = span_of(text, ": “We will respond,” ")
    assert text[slice(*tagger.trim(text, start, end))] == "We will respond"
    for part in (": “", "“We", " and left.", "said: “We will respond,” and"):
        start, end = span_of(text, part)
        a, b = tagger.trim(text, start, end)
        assert start <= a <= b <= end, part


def test_it_calls_a_span_quoted_when_most_of_its_tokens_stand_inside_marks():
    text = "“We will respond,” Lavrov said."
    (sequence,) = parsed(text)
    assert tagger.quoted(sequence, 0, 6)  # “ We will respond , ”: four of six inside
    assert tagger.quoted(sequence, 1, 5)
    assert not tagger.quoted(sequence, 6, 9)  # Lavrov said .
    assert not tagger.quoted(sequence, 3, 7)  # respond , ” Lavrov: two of four is not most


def test_it_finds_the_tokens_inside_a_range_across_paragraphs():
    text = "Lavrov said Russia would respond.\nRasmussen said NATO would wait."
    sequences = parsed(text)
    start, end = span_of(text, "respond.\nRasmussen said")
    found = [(sequences.index(s), i, text[slice(*s.offsets[i])]) for s, i in tagger.tokens_in(sequences, start, end)]
    assert found == [(0, 4, "respond"), (0, 5, "."), (1, 0, "Rasmussen"), (1, 1, "said")]
    # a token that begins before the range is not in it
    assert [i for _s, i in tagger.tokens_in(sequences, start + 1, start + 9)] == [5]
    assert list(tagger.tokens_in(sequences, len(text), len(text))) == []


def test_it_gives_the_people_the_parser_names():
    text = "Foreign Minister Sergei Lavrov met Dmitry Medvedev and John Smith in Moscow."
    assert [text[a:b] for a, b in tagger.persons(parsed(text))] == ["Sergei Lavrov", "Dmitry Medvedev", "John Smith"]


def test_it_gives_one_sequence_per_paragraph_with_offsets_at_the_tokens_text():
    text = "Lavrov said Russia would respond.\n\n  “We are ready,” he said.  \nNATO would wait."
    paragraphs = [span_of(text, p) for p in ("Lavrov said Russia would respond.", "“We are ready,” he said.",
                                             "NATO would wait.")]  # fmt: skip
    sequences = tagger.sequences(text, paragraphs)
    assert [(s.piece.start, s.piece.end, s.piece.paragraph, s.piece.first) for s in sequences] == [
        (a, b, k, True) for k, (a, b) in enumerate(paragraphs)
    ]
    for sequence in sequences:
        piece = text[sequence.piece.start : sequence.piece.end]
        assert "".join(words_of(text, sequence)) == re.sub(r"\s+", "", piece)
        for (a, b), features in zip(sequence.offsets, sequence.features, strict=True):
            assert sequence.piece.start <= a < b <= sequence.piece.end
            assert f"w={text[a:b].lower()}" in features
        n = len(sequence.offsets)
        assert len(sequence.features) == len(sequence.lemmas) == len(sequence.pos) == len(sequence.heads) == n
        assert all(0 <= h < n for h in sequence.heads)
        assert sequence.sentence_starts[0] == 0


def test_the_shipped_tagger_loads_and_tags_a_quotation_and_its_source():
    """The shipped model loads and tags one clear-cut sentence; how well it tags is measured by
    tests/test_evaluate.py on the corpus, not here."""
    model = tagger.Tagger(TRAINED / "tagger.crfsuite")
    text = "“We will respond to the plan,” Lavrov said."
    (sequence,) = parsed(text)
    labels, confidence = model.tag_with_confidence(sequence)
    assert len(labels) == len(confidence) == len(sequence.offsets)
    assert set(labels) <= set(tagger.LABELS)
    assert all(0.0 <= p <= 1.0 for p in confidence)
    # a token tagged content or source has its label's probability; one tagged O is not read, and has none
    assert all((p > 0.0) == (label != "O") for label, p in zip(labels, confidence, strict=True))
    contents = tagger.spans_of(sequence, labels, "C")
    sources = tagger.spans_of(sequence, labels, "S")
    assert [text[a:b] for a, b, _i, _j in sources] == ["Lavrov"]
    assert len(contents) == 1
    start, end = tagger.trim(text, contents[0][0], contents[0][1])
    assert text[start:end] == "We will respond to the plan"


@given(st.text(alphabet=" “”\"',;:—(-thaxW.", max_size=30), st.integers(0, 30), st.integers(0, 30))
@example("that Russia", 0, 4)
def test_it_keeps_a_trimmed_span_inside_the_span(text, i, j):
    start, end = sorted((min(i, len(text)), min(j, len(text))))
    a, b = tagger.trim(text, start, end)
    assert start <= a <= b <= end


@given(st.lists(st.integers(0, 60), min_size=1, unique=True), st.integers(0, 60))
@example([2, 6], 4)  # a tie: the earlier one, as min() over the list gives
def test_the_nearest_reporting_verb_is_the_one_min_would_pick(positions, i):
    positions.sort()
    assert tagger._nearest(positions, i) == min(positions, key=lambda c: abs(c - i))


def test_a_token_s_features_name_its_place_under_the_reporting_verb_and_its_neighbours():
    (sequence,) = parsed("Lavrov said Russia would respond.")
    lavrov, said, russia = sequence.features[:3]
    assert {"cuearc=nsubj", "cuehops=0", "cued=-1", "+1cue", "+1w=said", "-1=edge", "bop", "bos"} <= set(lavrov)
    assert {"cue", "cuek=plain", "nocue", "cued=0", "-1w=lavrov", "+1w=russia"} <= set(said)
    assert {"cued=+1", "-1cue", "-2w=lavrov"} <= set(russia)
    assert "nocue" not in russia and "eos" in sequence.features[-1]


def test_a_word_s_feature_names_are_the_same_made_afresh_or_kept_and_only_so_many_are_kept(monkeypatch):
    text = "Lavrov said Russia would respond to the interceptors."
    tagger._OPEN.clear()
    (fresh,) = parsed(text)
    (kept,) = parsed(text)  # the names now come from what the first parse left
    assert kept.features == fresh.features
    words = [[name for name in names if name.startswith("w=")] for names in (kept.features[0], fresh.features[0])]
    assert words[0] == ["w=lavrov"] and words[0][0] is words[1][0]  # one copy of a word's name, however many tokens
    monkeypatch.setattr(tagger, "OPEN_KEPT", 3)
    parsed("Medvedev warned that the talks had stalled over the radar in Poland and Romania.")
    (again,) = parsed(text)  # past the bound: the names kept were dropped, this text's made afresh
    assert again.features == fresh.features
    assert set(tagger._OPEN["w="]) == {text[a:b].lower() for a, b in again.offsets}
