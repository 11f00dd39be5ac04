"""Quotations paired per paragraph, and reported clauses with their cues."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.statements.speech import Quote, Report, quotes, reports, words
from positions.statements.structure import paragraphs, sentences

from .conftest import span_of

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


# -- reports ---------------------------------------------------------------------------------------


def _reports(text: str, blocked=()) -> list[tuple[str, str, str]]:
    out = []
    for s0, s1 in sentences(text):
        out += [(text[r.start : r.end], r.cue, r.subject_side) for r in reports(text, s0, s1, list(blocked))]
    return out


CLAUSE = "there was no need for a legally binding agreement with Russia"


def test_it_reads_x_said_that_clause():
    text = f"Rasmussen said that {CLAUSE}."
    start, end = span_of(text, CLAUSE)
    assert reports(text, 0, len(text), []) == [Report(start, end, "said", 10, 14, "before")]


def test_it_reads_x_said_clause_without_that():
    text = f"Rasmussen said {CLAUSE}."
    start, end = span_of(text, CLAUSE)
    assert reports(text, 0, len(text), []) == [Report(start, end, "said", 10, 14, "before")]


def test_it_reads_clause_comma_x_said():
    text = f"{CLAUSE.capitalize()}, Rasmussen said."
    cue = text.index("said")
    assert reports(text, 0, len(text), []) == [Report(0, len(CLAUSE), "said", cue, cue + 4, "after")]


def test_it_reads_clause_comma_said_x():
    text = f"{CLAUSE.capitalize()}, said Rasmussen."
    cue = text.index("said")
    assert reports(text, 0, len(text), []) == [Report(0, len(CLAUSE), "said", cue, cue + 4, "after")]


def test_it_reads_one_clause_before_a_long_trailing_cue_whatever_verbs_the_clause_holds():
    text = (
        "NATO insists and warns that the system will go ahead, Russian Foreign Minister Sergey Lavrov said on Monday."
    )
    assert _reports(text) == [("NATO insists and warns that the system will go ahead", "said", "after")]


def test_it_reads_according_to_x_clause():
    text = "According to Serdyukov, this may lead to a new arms race in Europe."
    assert reports(text, 0, len(text), []) == [Report(24, 66, "according to", 0, 13, "according")]
    assert text[24:66] == "this may lead to a new arms race in Europe"


def test_it_reads_clause_according_to_x():
    text = "This may lead to a new arms race in Europe, according to Serdyukov."
    assert _reports(text) == [("This may lead to a new arms race in Europe", "according to", "according")]


def test_it_reads_in_his_opinion():
    text = "In his opinion, Russia and NATO need tactical cooperation instead."
    assert _reports(text) == [("Russia and NATO need tactical cooperation instead", "in his opinion", "opinion")]


@pytest.mark.parametrize("joint", [", and ", " but ", ", while "])
def test_it_splits_two_reports_in_one_sentence_at_the_conjunction(joint):
    text = (
        f"Rasmussen said NATO posed no threat to Russia{joint}"
        "Medvedev warned that Russia would deploy Iskander missiles."
    )
    assert _reports(text) == [
        ("NATO posed no threat to Russia", "said", "before"),
        ("Russia would deploy Iskander missiles", "warned", "before"),
    ]


@pytest.mark.parametrize(
    "subject",
    [
        "Mark Toner, deputy spokesman for the US Department of State,",
        "Rasmussen, who met Medvedev in Sochi in early July,",
        "Medvedev, speaking in Moscow,",
    ],
)
def test_it_reads_x_with_an_apposition_said_clause(subject):
    clause = "NATO would not give legally binding guarantees on missile defence"
    text = f"{subject} said {clause}."
    found = _reports(text)
    assert found[0] == (clause, "said", "before")
    assert not any(subject.rstrip(",") in reported for reported, _cue, _side in found)


def test_it_reads_told_someone_that():
    text = "Obama told reporters that the system would protect Europe from Iran."
    assert _reports(text) == [("the system would protect Europe from Iran", "told", "before")]


def test_it_skips_a_date_between_the_verb_and_the_clause():
    text = "Rasmussen said on Tuesday that NATO would not give legally binding guarantees."
    assert _reports(text)[0] == ("NATO would not give legally binding guarantees", "said", "before")


def test_it_leaves_the_cue_of_a_direct_quotation_to_the_quotation():
    text = "“We are not a threat to Russia,” Rasmussen said."
    assert _reports(text) == []


def test_it_ignores_verbs_inside_blocked_spans():
    text = "NATO was clear. “Russia says it wants guarantees and insists on them,” he added."
    quoted = (text.index("“"), text.index("”") + 1)
    assert _reports(text, [quoted]) == []


def test_it_reads_x_said_clause_after_a_speaking_phrase():
    text = "Speaking in Sochi in early July, Rasmussen said NATO would not give legally binding guarantees."
    assert _reports(text) == [("NATO would not give legally binding guarantees", "said", "before")]


def test_it_does_not_take_a_commenting_phrase_for_the_clause_of_the_verb_after_it():
    text = (
        "Commenting on Medvedev’s statement that Russia may pull out of the treaty, Toner said the treaty "
        "benefits both countries."
    )
    assert _reports(text) == [("the treaty benefits both countries", "said", "before")]


def test_it_does_not_read_the_noun_states_as_a_reporting_verb():
    text = "Rasmussen said all 28 NATO member states would have signed a statement pledging not to use force."
    assert _reports(text) == [
        ("all 28 NATO member states would have signed a statement pledging not to use force", "said", "before")
    ]
