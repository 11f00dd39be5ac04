"""When a statement was said: what the text around it says, with a precision, else the publication date."""

import time
from datetime import date

import pytest

from positions.statements.dates import DateIndex, date_said
from positions.statements.records import PRECISIONS, DateSaid
from tests.conftest import shared

from .conftest import SEED_NAME, SEED_PUBLISHED, build_lexicon, one, run, span_of

TUESDAY = date(2011, 12, 6)  # the seed report's day, a Tuesday
THURSDAY = date(2011, 12, 8)
WORDS = "NATO would not give legally binding guarantees"


def said(text: str, words: str = WORDS, published: date | None = TUESDAY, **kw) -> DateSaid | None:
    start, end = span_of(text, words)
    return date_said(text, start, end, published, **kw)


def day(y: int, m: int, d: int) -> DateSaid:
    return DateSaid(date(y, m, d), "day")


def month(y: int, m: int) -> DateSaid:
    return DateSaid(date(y, m, 1), "month")


# -- what each expression gives --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("on Monday", day(2011, 12, 5)),
        ("on Tuesday", day(2011, 12, 6)),  # the publication's own weekday: that day
        ("Tuesday", day(2011, 12, 6)),
        ("last Tuesday", day(2011, 11, 29)),  # "last": strictly before
        ("last Friday", day(2011, 12, 2)),
        ("this past Sunday", day(2011, 12, 4)),
        ("yesterday", day(2011, 12, 5)),
        ("today", day(2011, 12, 6)),
        ("three days ago", day(2011, 12, 3)),
        ("on June 8", day(2011, 6, 8)),
        ("on June 8, 2011", day(2011, 6, 8)),
        ("on 8 June 2011", day(2011, 6, 8)),
        ("on Dec. 1, 2011", day(2011, 12, 1)),
        ("last week", DateSaid(date(2011, 11, 29), "approximate")),
        ("two weeks ago", DateSaid(date(2011, 11, 22), "approximate")),
        ("a few days ago", DateSaid(date(2011, 12, 3), "approximate")),
        ("last month", month(2011, 11)),
        ("earlier this month", month(2011, 12)),
        ("two months ago", month(2011, 10)),
        ("in June", month(2011, 6)),
        ("in June 2010", month(2010, 6)),
        ("last June", month(2011, 6)),
        ("since March", month(2011, 3)),
        # a part of a month: the month, from its first day (a day inside it would claim too much)
        ("in mid-August", month(2011, 8)),
        ("in the middle of August", month(2011, 8)),
        ("in early July", month(2011, 7)),
        ("in late June", month(2011, 6)),
        ("at the end of June", month(2011, 6)),
        ("at the beginning of October", month(2011, 10)),
        ("in early December", month(2011, 12)),  # begun before the 6th
        ("after the June meeting", month(2011, 6)),
        ("at the June 2010 summit", month(2010, 6)),
        ("at the NATO summit in November", month(2011, 11)),
        ("in 2010", DateSaid(date(2010, 1, 1), "year")),
        ("last year", DateSaid(date(2010, 1, 1), "year")),
        ("earlier this year", DateSaid(date(2011, 1, 1), "year")),
    ],
)
def test_it_dates_a_statement_by_the_expression_in_its_cue_sentence(when, expected):
    assert said(f"Rasmussen said {when} that {WORDS} to Russia.") == expected
    assert expected.precision in PRECISIONS


@pytest.mark.parametrize(
    ("when", "published", "expected"),
    [
        ("in July", date(2011, 6, 10), month(2010, 7)),  # after the publication's month: last year's
        ("in early July", date(2011, 6, 10), month(2010, 7)),
        ("in the middle of August", date(2012, 3, 1), month(2011, 8)),
        ("in June", date(2011, 6, 30), month(2011, 6)),
        ("on March 20", date(2012, 1, 5), day(2011, 3, 20)),
        ("last June", date(2011, 6, 10), month(2010, 6)),
        ("on Sunday", date(2011, 12, 11), day(2011, 12, 11)),
    ],
)
def test_it_takes_the_latest_such_day_or_month_not_after_publication(when, published, expected):
    assert said(f"Rasmussen said {when} that {WORDS}.", published=published) == expected


@pytest.mark.parametrize(
    "when",
    [
        "in late December",  # later in the publication's month: still to come
        "in mid-December",
        "on December 20",
        "in 2012",  # after publication
        "on June 8, 2012",
        "in July 2008",  # more than three years before
        "in 2008",
    ],
)
def test_it_never_takes_a_date_after_publication_nor_one_years_before(when):
    assert said(f"Rasmussen said {when} that {WORDS}.") == day(2011, 12, 6)


@pytest.mark.parametrize(
    "sentence",
    [
        f"Citing a July 2010 report, Rasmussen said {WORDS}.",
        f"Rasmussen said the July talks showed that {WORDS}.",
        f"Rasmussen said the 2009 review showed that {WORDS}.",
        f"Moscow may respond, but Rasmussen said {WORDS}.",
        f"Rasmussen said ahead of the December summit that {WORDS}.",
    ],
)
def test_it_does_not_read_a_date_in_words_that_name_none(sentence):
    assert said(sentence) == day(2011, 12, 6)


# -- where it looks ----------------------------------------------------------------------------------


def test_a_date_inside_the_quotation_does_not_date_it_but_its_cue_does():
    quoted = "We met in June and talked for hours"
    assert said(f"“{quoted},” Rasmussen said.", quoted) == day(2011, 12, 6)
    assert said(f"“{quoted},” Rasmussen said on Monday.", quoted) == day(2011, 12, 5)
    assert said(f'"{quoted}," Rasmussen said last week.', quoted) == DateSaid(date(2011, 11, 29), "approximate")
    assert said(f"On Monday, Rasmussen said: “{quoted}.”", quoted) == day(2011, 12, 5)


def test_a_date_in_another_quotation_or_in_the_words_themselves_does_not_date_them():
    assert said(f"Rasmussen, who said “we met in June”, told reporters that {WORDS}.") == day(2011, 12, 6)
    assert said(f"Rasmussen said {WORDS} in June.", f"{WORDS} in June") == day(2011, 12, 6)


def test_the_nearest_expression_of_the_sentence_wins():
    text = f"Rasmussen, who met Lavrov in June, said on Monday that {WORDS}."
    assert said(text) == day(2011, 12, 5)


def test_a_quotation_runs_over_sentences_to_its_cue():
    quoted = "We are serious. We want cooperation. In June we said so"
    assert said(f"“{quoted},” he said on Monday.", quoted) == day(2011, 12, 5)


def test_a_saying_dated_earlier_in_the_paragraph_dates_what_follows():
    text = (
        "Speaking after the Russia-NATO Council in Sochi in early July, Rasmussen said he was convinced. "
        f"He added that {WORDS}. “We mean it,” he said."
    )
    assert said(text) == month(2011, 7)
    assert said(text, "We mean it") == month(2011, 7)


def test_a_date_about_something_else_or_later_in_the_paragraph_does_not():
    assert said(f"Turner yesterday introduced the bill. “{WORDS},” Turner said.") == day(2011, 12, 6)
    assert said(f"“{WORDS},” Turner said. He met Lavrov on Monday.") == day(2011, 12, 6)
    # the nearest date before names something else: an older saying behind it does not count
    text = f"Putin said so in a March 2 interview. Kommersant reported last month on a deal. “{WORDS},” Turner wrote."
    assert said(text) == day(2011, 12, 6)


def test_a_date_in_another_paragraph_does_not_date_a_statement():
    assert said(f"Rasmussen spoke on Monday in Brussels.\n\n“{WORDS},” Lavrov said.") == day(2011, 12, 6)


# -- anaphora --------------------------------------------------------------------------------------------


def test_that_meeting_is_the_latest_dated_meeting_named_before():
    text = (
        "NATO and Russian defence ministers met in late June in Brussels.\n\n"
        "A report came out in August.\n\n"
        f"Serdyukov confirmed after that meeting that {WORDS}. “There are no results,” he said."
    )
    assert said(text) == month(2011, 6)
    assert said(text, "There are no results") == month(2011, 6)
    assert said(text.replace("after that meeting", "at that meeting")) == month(2011, 6)


def test_at_the_time_and_said_then_take_the_latest_date_named_before():
    text = f"Lavrov visited Washington on Monday.\n\nLavrov said then that {WORDS}."
    assert said(text) == day(2011, 12, 5)
    text = f"The treaty was signed in April 2010.\n\nAt the time, Lavrov said that {WORDS}."
    assert said(text) == month(2010, 4)


def test_an_anaphor_looks_back_no_further_than_lo():
    text = f"The ministers met in late June.\n\nSerdyukov said after that meeting that {WORDS}."
    start, end = span_of(text, WORDS)
    assert date_said(text, start, end, TUESDAY) == month(2011, 6)
    assert date_said(text, start, end, TUESDAY, lo=text.index("Serdyukov")) == day(2011, 12, 6)


def test_an_anaphor_with_nothing_before_it_dates_nothing():
    assert said(f"Serdyukov said after that meeting that {WORDS}.") == day(2011, 12, 6)


# -- publication and no publication ------------------------------------------------------------------------


def test_without_a_publication_date_only_a_full_date_dates_a_statement():
    assert said(f"Rasmussen said {WORDS}.", published=None) is None
    assert said(f"Rasmussen said on Monday that {WORDS}.", published=None) is None
    assert said(f"Rasmussen said on June 8, 2011 that {WORDS}.", published=None) == day(2011, 6, 8)
    assert said(f"Rasmussen said in 2010 that {WORDS}.", published=None) == DateSaid(date(2010, 1, 1), "year")


def test_one_index_per_document_gives_what_date_said_gives():
    text = f"The ministers met in late June.\n\nSerdyukov said after that meeting that {WORDS}.\n\nLavrov said so too."
    index = DateIndex(text, TUESDAY)
    for words in (WORDS, "so too"):
        start, end = span_of(text, words)
        assert index.said(start, end) == date_said(text, start, end, TUESDAY)


def test_it_dates_a_long_document_in_linear_time():
    paragraph = "Lavrov said on Monday that Russia wants “guarantees in June”. Rasmussen met him in late June.\n\n"
    text = paragraph * 5000  # about 470 KB, 10,000 sentences
    started = time.perf_counter()
    index = DateIndex(text, TUESDAY)
    words = paragraph.index("Russia wants"), paragraph.index(". Rasmussen")
    spans = [(i + words[0], i + words[1]) for i in range(0, len(text), len(paragraph))]
    assert {index.said(start, end) for start, end in spans} == {day(2011, 12, 5)}
    assert time.perf_counter() - started < 5


# -- the seed article ---------------------------------------------------------------------------------------


@pytest.fixture
def seed_file_text() -> str:
    return shared("corpus", "raw", f"{SEED_NAME}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "words",
    [
        "there is trust between Russia and NATO on missile defence, but there are no results",
        "NATO has so far not listened to Russia’s proposals on missile defence",
        "a missile defence system that may be created in Europe by 2020 will neutralise",
        "look for ways to overcome this system, which will lead to a new arms race",
    ],
)
def test_serdyukov_s_words_after_that_meeting_are_dated_june_2011(seed_file_text, words):
    # "NATO and Russian Defence Ministers met in late June …", paragraphs before "after that meeting".
    assert said(seed_file_text, words, SEED_PUBLISHED) == month(2011, 6)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("The Russian side stressed the importance", month(2011, 8)),  # "at a meeting … in the middle of August"
        ("he was convinced that all 28 NATO member states", month(2011, 7)),  # "in early July"
        ("he personally did not think there was a need", month(2011, 7)),
        ("Russia says it wants guarantees", month(2011, 7)),
        ("Russia and NATO should create two separate missile defence systems for the same goal", day(2011, 12, 6)),
        ("The New START Treaty benefits", day(2011, 12, 6)),
        ("What does NOT make sense", day(2011, 12, 6)),
    ],
)
def test_the_seed_s_other_statements_are_dated_by_their_own_words_or_by_publication(seed_file_text, words, expected):
    assert said(seed_file_text, words, SEED_PUBLISHED) == expected


# -- the extractor's dates ----------------------------------------------------------------------------------


def _extracted_said_on(text: str, published: date, clause: str) -> date:
    found = run(text, published, build_lexicon())
    start, end = span_of(text, clause)
    matches = [f for f in found if (f.start, f.end) == (start, end)]
    assert len(matches) == 1, [(f.quote, f.said_on) for f in found]
    return matches[0].said_on


def test_the_extractor_dates_a_report_said_on_tuesday_in_a_thursday_paper():
    text = "Rasmussen said on Tuesday that NATO would not give legally binding guarantees on missile defence."
    clause = "NATO would not give legally binding guarantees on missile defence"
    assert _extracted_said_on(text, THURSDAY, clause) == date(2011, 12, 6)


def test_the_extractor_does_not_date_a_report_by_a_date_inside_a_quotation():
    text = (
        "“We met on Monday and we talked for hours,” Rasmussen said. "
        "He added that NATO would not give legally binding guarantees on missile defence."
    )
    clause = "NATO would not give legally binding guarantees on missile defence"
    assert _extracted_said_on(text, THURSDAY, clause) == THURSDAY


def test_the_extractor_dates_a_transcript_turn_by_publication():
    text = "THE PRESIDENT: On Monday we discussed missile defence with Russia, and we will cooperate.\n"
    found = run(text, THURSDAY, build_lexicon(), publisher="The White House, Office of the Press Secretary")
    assert [(f.mode, f.said_on) for f in found] == [("turn", THURSDAY)]


def test_the_extractor_dates_the_seed_s_foreign_ministry_statement_to_august(seed_text):
    found = run(seed_text, SEED_PUBLISHED, build_lexicon(), publisher="Itar-Tass")
    statement = one(found, "The Russian side stressed")
    assert statement.speaker.name == "Russian Foreign Ministry"
    assert statement.said_on == date(2011, 8, 1)
