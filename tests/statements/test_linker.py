"""Who said each content: the candidates around it, what a (content, candidate) pair looks like, the choice."""

import pytest

from positions.statements.learned import LinearModel
from positions.statements.linker import (
    THRESHOLD,
    Linker,
    Span,
    candidates,
    contents_and_sources,
    continues,
    cue_between,
    governing,
    pair_features,
    subjects,
    who,
    written_extent,
)

from .conftest import parsed, span_of, words_of

# Tokens: Rasmussen spoke in Brussels . | Lavrov said Russia would respond , and he left .
REPORT = "Rasmussen spoke in Brussels. Lavrov said Russia would respond, and he left."
REPORT_LABELS = ["O"] * 5 + ["B-S", "O", "B-C", "I-C", "I-C"] + ["O"] * 5
# Tokens: “ We will respond , ” Lavrov said . | Medvedev agreed .
QUOTE = "“We will respond,” Lavrov said. Medvedev agreed."
QUOTE_LABELS = ["O", "B-C", "I-C", "I-C", "I-C", "O", "B-S", "O", "O", "O", "O", "O"]


def read(text: str, labels: list[str]):
    sequences = parsed(text)
    assert len(sequences) == 1 and len(sequences[0].offsets) == len(labels), words_of(text, sequences[0])
    contents, sources = contents_and_sources(sequences, [labels])
    return sequences, contents, candidates(sequences, sources)


def named(text: str, pool: list[Span], words: str, kind: str | None = None) -> Span:
    return next(c for c in pool if text[c.start : c.end] == words and kind in (None, c.kind))


def test_it_reads_contents_and_sources_from_the_labels_of_every_piece():
    text = "Lavrov said Russia would respond.\nRasmussen said NATO would wait."
    sequences = parsed(text)
    labels = [["B-S", "O", "B-C", "I-C", "I-C", "O"], ["O", "O", "B-C", "I-C", "I-C", "I-C"]]
    contents, sources = contents_and_sources(sequences, labels)
    assert contents == [
        Span(0, 2, 5, *span_of(text, "Russia would respond")),
        Span(1, 2, 6, *span_of(text, "NATO would wait.")),
    ]
    assert sources == [Span(0, 0, 1, *span_of(text, "Lavrov"), "source")]


def test_it_takes_the_tagger_s_sources_and_the_entities_and_pronouns_that_do_not_overlap_them():
    text = "Foreign Minister Sergei Lavrov told reporters in Moscow that he would meet John Smith."
    sequences = parsed(text)
    labels = ["B-S", "I-S", "I-S", "I-S"] + ["O"] * (len(sequences[0].offsets) - 4)
    _contents, sources = contents_and_sources(sequences, [labels])
    pool = candidates(sequences, sources)
    assert [(text[c.start : c.end], c.kind) for c in pool] == [
        ("Foreign Minister Sergei Lavrov", "source"),  # the parser's "Sergei Lavrov" stands inside it
        ("Moscow", "place"),
        ("he", "pronoun"),
        ("John Smith", "person"),
    ]
    assert pool[0] == sources[0]
    assert [c.start for c in pool] == sorted(c.start for c in pool)


def test_it_describes_a_source_before_its_content_as_the_subject_of_its_cue():
    sequences, (content,), pool = read(REPORT, REPORT_LABELS)
    f = pair_features(sequences, content, named(REPORT, pool, "Lavrov"), 0)
    for name in ("kind=source", "side=before", "samesent=1", "cuebetween=1", "subjcue", "samecue", "pieces=0",
                 "dist=1-2", "between=0", "direct=0", "len=1"):  # fmt: skip
        assert f[name] == 1.0, name
    assert f["subjdep=nsubj"] == 1.0
    assert f["bias"] == 1.0


def test_it_describes_a_person_in_the_sentence_before():
    sequences, (content,), pool = read(REPORT, REPORT_LABELS)
    f = pair_features(sequences, content, named(REPORT, pool, "Rasmussen"), 2)
    assert f["kind=person"] == f["side=before"] == f["samesent=0"] == f["between=2"] == 1.0
    assert f["dist=6-12"] == 1.0  # spoke in Brussels . Lavrov said
    assert "subjcue" not in f and "samecue" not in f  # "spoke" is not a reporting verb


def test_it_describes_a_pronoun_after_its_content_with_no_cue_between():
    sequences, (content,), pool = read(REPORT, REPORT_LABELS)
    f = pair_features(sequences, content, named(REPORT, pool, "he"), 0)
    assert f["kind=pronoun"] == f["side=after"] == f["samesent=1"] == f["cuebetween=0"] == 1.0
    assert f["cuebetween|side=0|after"] == 1.0
    assert "subjcue" not in f


def test_it_describes_a_candidate_inside_its_content():
    sequences, (content,), pool = read(REPORT, REPORT_LABELS)
    f = pair_features(sequences, content, named(REPORT, pool, "Russia", "place"), 0)
    assert f["side=inside"] == f["kind=place"] == f["dist=0"] == 1.0


def test_it_tells_the_subject_of_the_content_s_cue_from_the_subject_of_another_cue():
    sequences, (content,), pool = read(QUOTE, QUOTE_LABELS)
    lavrov = pair_features(sequences, content, named(QUOTE, pool, "Lavrov"), 0)
    assert lavrov["direct=1"] == lavrov["side=after"] == lavrov["samesent=1"] == 1.0
    assert lavrov["subjcue"] == lavrov["samecue"] == 1.0
    medvedev = pair_features(sequences, content, named(QUOTE, pool, "Medvedev"), 1)
    assert medvedev["subjcue"] == 1.0  # "agreed" is a reporting verb, but the quotation does not hang from it
    assert "samecue" not in medvedev
    assert medvedev["samesent=0"] == 1.0


def test_the_subject_of_a_reporting_verb_is_a_candidate_whole():
    text = "Tim Hess, a real estate developer in Virginia, said the bank knew. The report was cited by officials."
    sequences = parsed(text)
    found = {text[s.start : s.end] for s in subjects(sequences)}
    assert "Tim Hess, a real estate developer in Virginia" in found  # the apposition kept, the last comma not
    assert "officials" in found  # the agent of a passive reporting verb
    pool = candidates(sequences, [])
    kinds = {(text[c.start : c.end], c.kind) for c in pool}
    assert ("Tim Hess, a real estate developer in Virginia", "subject") in kinds
    assert ("Tim Hess", "person") in kinds  # the name inside stays a candidate of its own


@pytest.mark.parametrize(
    ("text", "content", "subject"),
    [
        # a verb the table of reporting verbs does not list, the content a noun's clause under it
        ("Again, the President has talked about the notion that we should act.", "we should act", "the President"),
        # an adjective's clause: the subject of "has been"
        ("President Medvedev has been very clear that this is a concern.", "this is a concern", "President Medvedev"),
    ],
)
def test_the_subject_of_the_verb_a_content_hangs_from_is_a_candidate(text, content, subject):
    sequences = parsed(text)
    words = words_of(text, sequences[0])
    first = len(words_of(text[: text.index(content)], parsed(text[: text.index(content)])[0]))
    last = first + len(words_of(content, parsed(content)[0]))
    labels = ["O"] * first + ["B-C"] + ["I-C"] * (last - first - 1) + ["O"] * (len(words) - last)
    (found,), sources = contents_and_sources(sequences, [labels])
    assert text[found.start : found.end] == content
    assert [text[s.start : s.end] for s in governing(sequences, [found])] == [subject]
    assert not any(text[c.start : c.end] == subject for c in candidates(sequences, sources))  # before, not there
    assert (subject, "subject") in {(text[c.start : c.end], c.kind) for c in candidates(sequences, sources, [found])}


def test_a_reporting_verb_with_no_subject_of_its_own_speaks_for_the_subject_of_the_verb_it_hangs_from():
    text = "Trump tried on Tuesday to make the case, arguing that the bank was at fault."
    sequences = parsed(text)
    words = words_of(text, sequences[0])
    assert not sequences[0].cues[words.index("tried")]  # "arguing" is the reporting verb, "tried" is not
    assert [text[s.start : s.end] for s in subjects(sequences)] == ["Trump"]


def test_it_describes_the_subject_of_a_verb_the_content_hangs_from():
    def features(text: str) -> dict[str, float]:
        sequences = parsed(text)
        words = words_of(text, sequences[0])
        at = words.index("bank") - 1  # the content: "the bank was at fault"
        labels = ["B-S"] + ["O"] * (at - 1) + ["B-C"] + ["I-C"] * (len(words) - at - 2) + ["O"]
        (content,), sources = contents_and_sources(sequences, [labels])
        pool = candidates(sequences, sources)
        return pair_features(sequences, content, named(text, pool, "Trump", "source"), 0)

    f = features("Trump tried on Tuesday to make the case, arguing that the bank was at fault.")
    assert f["govsubj"] == f["govsubj|direct=0"] == 1.0
    assert "subjcue" not in f  # "tried" is not a reporting verb
    elsewhere = "Trump tried on Tuesday to make the case. Others argued that the bank was at fault."
    assert "govsubj" not in features(elsewhere)  # the content hangs from "argued", not from "tried"


@pytest.mark.parametrize(
    ("text", "words", "written"),
    [
        # a name with its apposition and the comma that closes it
        ("Kevin Barrett, a lawyer at Bailey & Glasser, said the bank knew.", "Kevin Barrett",
         "Kevin Barrett, a lawyer at Bailey & Glasser,"),
        # the title a name stands in apposition to
        ("Apple's chief executive, Tim Cook, said the ruling was political.", "Tim Cook",
         "Apple's chief executive, Tim Cook,"),
        ("Clinton aides said the debate went well.", "Clinton", "Clinton aides"),  # the noun a name modifies
        ("Apple's chief executive, Tim Cook, said the ruling was political.", "Apple", "Apple's"),
        ("Rasmussen spoke in Brussels. He said NATO would wait.", "He", "He"),
        # a clause set off by a comma that tells what the source did, not who it is, ends the phrase before it
        ("Donald Trump, speaking to veterans in Virginia, said the review would go well.", "Donald Trump",
         "Donald Trump"),
        ("Trump, speaking to veterans in Virginia, said the review would go well.",  # the verb's whole subject
         "Trump, speaking to veterans in Virginia", "Trump"),
        ("Mr. Kamin, who emphasized that the forms were simple, said the rates would rise.", "Kamin", "Mr. Kamin"),
        # one that tells who it is stays, with the comma that closes it
        ("Donna Rawlings, who watched the ceremony, said the memories came back.", "Donna Rawlings",
         "Donna Rawlings, who watched the ceremony,"),
    ],
)  # fmt: skip
def test_a_source_is_written_as_the_whole_phrase_that_names_it(text, words, written):
    sequences = parsed(text)
    content = next(c for c in candidates(sequences, []) if text[c.start : c.end] == words)
    tail = Span(0, len(sequences[0].offsets) - 3, len(sequences[0].offsets) - 1, 0, 0)  # "went well", "would wait"…
    a, b = written_extent(sequences, content, tail)
    assert text[a:b] == written


@pytest.mark.parametrize(
    ("text", "source", "speaks"),
    [
        # a relative clause, or a clause set off after the source, says what it did: its names do not speak
        ("Lavrov, who met Rasmussen on Monday, said the talks failed.", "Lavrov, who met Rasmussen on Monday",
         "Lavrov"),
        ("Lavrov, speaking after a meeting with Rasmussen, said the talks failed.",
         "Lavrov, speaking after a meeting with Rasmussen", "Lavrov"),
        # of a subject and a phrase hung on the verb, the subject
        ("Rep. Turner, along with Ranking Member McKeon and other members of the committee have called for a vote.",
         "Rep. Turner, along with Ranking Member McKeon and other members of the committee", "Rep. Turner"),
        # an apposition says who the source is
        ("Apple's chief executive, Tim Cook, said the ruling was political.", "Apple's chief executive, Tim Cook",
         "Apple's chief executive, Tim Cook"),
    ],
)  # fmt: skip
def test_who_a_source_is_leaves_out_what_it_did(text, source, speaks):
    sequences = parsed(text)
    start, end = span_of(text, source)
    starts = [a for a, _b in sequences[0].offsets]
    ends = [b for _a, b in sequences[0].offsets]
    span = Span(0, starts.index(start), ends.index(end) + 1, start, end)
    a, b = who(sequences, span)
    assert text[a:b] == speaks


def test_a_source_is_written_as_it_stands_when_its_phrase_would_reach_into_the_content():
    text = "Kevin Barrett, a lawyer at Bailey & Glasser, said the bank knew."
    sequences = parsed(text)
    barrett = next(c for c in candidates(sequences, []) if text[c.start : c.end] == "Kevin Barrett")
    words = words_of(text, sequences[0])
    inside = Span(0, words.index("lawyer"), words.index("said"), 0, 0)
    assert written_extent(sequences, barrett, inside) == (barrett.start, barrett.end)


def test_a_relative_clause_the_content_hangs_from_is_the_report_not_an_aside():
    text = "Mr. Leenders, who said the bank knew about it, left early."
    sequences = parsed(text)
    leenders = next(c for c in candidates(sequences, []) if text[c.start : c.end] == "Leenders")
    words = words_of(text, sequences[0])
    content = Span(0, words.index("the"), words.index("about"), 0, 0)  # "the bank knew"
    assert written_extent(sequences, leenders, content) == (leenders.start, leenders.end)


def test_it_counts_the_pieces_between_a_content_and_a_candidate_in_an_earlier_paragraph():
    text = "Rasmussen spoke in Brussels.\nRussia would respond, Lavrov said."
    sequences = parsed(text)
    labels = [["O"] * 5, ["B-C", "I-C", "I-C", "O", "B-S", "O", "O"]]
    (content,), sources = contents_and_sources(sequences, labels)
    pool = candidates(sequences, sources)
    f = pair_features(sequences, content, named(text, pool, "Rasmussen"), 0)
    assert f["pieces=1"] == f["side=before"] == 1.0
    assert not any(name.startswith(("dist=", "samesent=", "cuebetween=")) for name in f)


def test_it_gives_the_reporting_verb_joining_a_source_to_its_content():
    sequences, (content,), pool = read(REPORT, REPORT_LABELS)
    assert cue_between(sequences, named(REPORT, pool, "Lavrov"), content) == ("said", "say")
    assert cue_between(sequences, named(REPORT, pool, "he"), content) == ("", "")
    sequences, (content,), pool = read(QUOTE, QUOTE_LABELS)
    assert cue_between(sequences, named(QUOTE, pool, "Lavrov"), content) == ("said", "say")


def test_it_finds_a_cue_standing_between_a_source_and_its_content():
    text = "Lavrov, the foreign minister, warned that Russia would respond."
    sequences = parsed(text)
    words = words_of(text, sequences[0])
    labels = ["B-S"] + ["O"] * (words.index("Russia") - 1) + ["B-C", "I-C", "I-C", "O"]
    (content,), (source,) = contents_and_sources(sequences, [labels])
    assert cue_between(sequences, source, content) == ("warned", "warn")


def test_it_continues_a_quotation_after_its_cue_in_the_same_paragraph():
    text = "“We will respond,” Lavrov said. “We are ready.”"
    assert continues(text, span_of(text, "We will respond,")[1], span_of(text, "We are ready.")[0])
    far = "“We will respond,” Lavrov said, " + "and went on at length about the weather in Moscow, " * 2 + "“Yes.”"
    assert not continues(far, span_of(far, "We will respond,")[1], span_of(far, "Yes.")[0])


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("\n“We are ready.”", True),  # the next paragraph opens with the quotation
        ("\n\n“We are ready.”", True),
        ("\nHe added: “We are ready.”", False),  # it has a cue of its own
        ("\n\n\n“We are ready.”", False),  # too far down
    ],
)
def test_it_continues_a_quotation_in_the_next_paragraph_with_no_cue_of_its_own(second, expected):
    text = "Lavrov said: “We will respond." + second
    previous_end = span_of(text, "We will respond.")[1]
    assert continues(text, previous_end, span_of(text, "We are ready.")[0]) is expected


def model(weights: dict[str, float], intercept: float) -> LinearModel:
    return LinearModel(("0", "1"), {name: (w,) for name, w in weights.items()}, (intercept,))


def test_the_linker_picks_the_most_probable_candidate():
    sequences, (content,), pool = read(REPORT, REPORT_LABELS)
    source, p = Linker(model({"kind=source": 4.0, "kind=pronoun": -2.0}, -1.0)).source(sequences, content, pool)
    assert REPORT[source.start : source.end] == "Lavrov"
    assert p == pytest.approx(1 / (1 + 2.718281828459045**-3))
    source, p = Linker(model({"side=after": 3.0}, -1.0)).source(sequences, content, pool)
    assert REPORT[source.start : source.end] == "he"
    assert p == pytest.approx(1 / (1 + 2.718281828459045**-2))


def test_the_linker_picks_nobody_below_the_threshold():
    sequences, (content,), pool = read(REPORT, REPORT_LABELS)
    source, p = Linker(model({}, -5.0)).source(sequences, content, pool)
    assert source is None
    assert p == pytest.approx(1 / (1 + 2.718281828459045**5)) and p < THRESHOLD
    linker = Linker(model({"kind=source": 4.0}, -1.0))
    assert linker.source(sequences, content, pool, threshold=0.96) == (None, pytest.approx(0.9526, abs=1e-4))
    assert linker.source(sequences, content, pool, threshold=0.95)[0] is not None


def test_the_linker_leaves_out_names_inside_the_content():
    sequences, (content,), pool = read(REPORT, REPORT_LABELS)
    source, _p = Linker(model({"side=inside": 10.0}, -1.0)).source(sequences, content, pool)
    assert REPORT[source.start : source.end] != "Russia"
