"""When a statement was said: the publication date unless the text around it dates it."""

from datetime import date

import pytest

from positions.statements.dates import said_on

from .conftest import SEED_PUBLISHED, build_lexicon, one, run, span_of

TUESDAY = date(2011, 12, 6)  # the seed report's day, a Tuesday
THURSDAY = date(2011, 12, 8)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ("in an article published on Tuesday", date(2011, 12, 6)),  # the day itself
        ("he said on Monday", date(2011, 12, 5)),
        ("last Friday", date(2011, 12, 2)),
        ("this past Sunday", date(2011, 12, 4)),
        ("yesterday", date(2011, 12, 5)),
        ("last week", date(2011, 11, 29)),
        ("last month", date(2011, 11, 1)),
        ("on July 4", date(2011, 7, 4)),
        ("on July 4, 2010", date(2010, 7, 4)),
        ("since March", date(2011, 3, 1)),
        ("at the beginning of October", date(2011, 10, 1)),
        ("in the end of November", date(2011, 11, 28)),
        ("in early December", date(2011, 12, 5)),
    ],
)
def test_it_dates_a_context_relative_to_publication(context, expected):
    assert said_on(context, TUESDAY) == expected


def test_it_resolves_on_tuesday_to_the_last_tuesday_before_a_thursday():
    assert said_on("Rasmussen said on Tuesday", THURSDAY) == date(2011, 12, 6)


@pytest.mark.parametrize(
    ("context", "published", "expected"),
    [
        ("in early July", date(2011, 12, 6), date(2011, 7, 5)),
        ("in the middle of August", date(2011, 12, 6), date(2011, 8, 15)),
        ("in mid-August", date(2011, 12, 6), date(2011, 8, 15)),
        ("in late June", date(2011, 12, 6), date(2011, 6, 25)),
        # a month after the publication month is last year's
        ("in early July", date(2011, 6, 10), date(2010, 7, 5)),
        ("in the middle of August", date(2012, 3, 1), date(2011, 8, 15)),
        ("in early January", date(2011, 12, 6), date(2011, 1, 5)),
    ],
)
def test_it_resolves_part_of_a_month_to_the_latest_such_month_not_after_publication(context, published, expected):
    assert said_on(context, published) == expected


@pytest.mark.parametrize("context", ["in late December", "in mid-December", "on December 20"])
def test_it_does_not_use_a_day_after_publication(context):
    assert said_on(context, TUESDAY) == TUESDAY


@pytest.mark.parametrize(
    "context", ["a July 2008 report", "a July 2010 report", "the 2009 review", "the July talks", "in 2010"]
)
def test_it_does_not_take_a_month_used_as_an_adjective_for_a_date(context):
    assert said_on(context, TUESDAY) == TUESDAY


def test_it_does_not_use_a_date_more_than_three_years_old():
    assert said_on("in July 2008", TUESDAY) == TUESDAY
    assert said_on("in July 2010", TUESDAY) == date(2010, 7, 1)


def test_it_uses_the_last_date_the_context_names():
    assert said_on("in early July and again in the middle of August", TUESDAY) == date(2011, 8, 15)
    assert said_on("in the middle of August, after the talks in early July", TUESDAY) == date(2011, 7, 5)


def test_it_gives_the_publication_date_when_nothing_dates_the_context():
    assert said_on("Rasmussen said there was no need", TUESDAY) == TUESDAY


def test_it_gives_no_date_without_a_publication_date():
    assert said_on("in early July", None) is None


# -- end to end -------------------------------------------------------------------------------------


def _said_on(text: str, published: date, clause: str) -> date:
    found = run(text, published, build_lexicon())
    start, end = span_of(text, clause)
    matches = [f for f in found if (f.start, f.end) == (start, end)]
    assert len(matches) == 1, [(f.quote, f.said_on) for f in found]
    return matches[0].said_on


def test_it_dates_a_report_said_on_tuesday_in_a_thursday_paper():
    text = "Rasmussen said on Tuesday that NATO would not give legally binding guarantees on missile defence."
    clause = "NATO would not give legally binding guarantees on missile defence"
    assert _said_on(text, THURSDAY, clause) == date(2011, 12, 6)


def test_it_dates_a_report_made_in_early_july():
    text = (
        "Speaking after the Russia-NATO Council in Sochi in early July, Rasmussen said NATO would not give "
        "legally binding guarantees on missile defence."
    )
    clause = "NATO would not give legally binding guarantees on missile defence"
    assert _said_on(text, TUESDAY, clause) == date(2011, 7, 5)
    assert _said_on(text, date(2011, 6, 10), clause) == date(2010, 7, 5)


def test_it_does_not_date_a_report_by_a_month_used_as_an_adjective():
    text = (
        "Citing a July 2010 report, Rasmussen said NATO would not give legally binding guarantees on missile defence."
    )
    clause = "NATO would not give legally binding guarantees on missile defence"
    assert _said_on(text, THURSDAY, clause) == THURSDAY


def test_it_does_not_date_a_report_by_a_date_inside_a_quotation():
    text = (
        "“We met on Monday and we talked for hours,” Rasmussen said. "
        "He added that NATO would not give legally binding guarantees on missile defence."
    )
    clause = "NATO would not give legally binding guarantees on missile defence"
    assert _said_on(text, THURSDAY, clause) == THURSDAY


def test_it_dates_a_transcript_turn_by_publication():
    text = "THE PRESIDENT: On Monday we discussed missile defence with Russia, and we will cooperate.\n"
    found = run(text, THURSDAY, build_lexicon(), publisher="The White House, Office of the Press Secretary")
    assert [(f.mode, f.said_on) for f in found] == [("turn", THURSDAY)]


def test_it_dates_the_foreign_ministry_statement_of_the_seed_to_mid_august(seed_text):
    found = run(seed_text, SEED_PUBLISHED, build_lexicon(), publisher="Itar-Tass")
    statement = one(found, "The Russian side stressed")
    assert statement.speaker.name == "Russian Foreign Ministry"
    assert (statement.said_on.year, statement.said_on.month) == (2011, 8)
    assert statement.said_on.day == 15


@pytest.mark.parametrize(
    "prefix",
    [
        "he was convinced that all 28 NATO member states",
        "he personally did not think",
        "Russia and NATO need tactical cooperation instead",
        "Russia says it wants guarantees",
    ],
)
def test_it_dates_rasmussen_s_words_after_the_sochi_council_to_july(seed_text, prefix):
    found = run(seed_text, SEED_PUBLISHED, build_lexicon(), publisher="Itar-Tass")
    statement = one(found, prefix)
    assert statement.speaker.key == "anders-fogh-rasmussen"
    assert (statement.said_on.year, statement.said_on.month) == (2011, 7)


@pytest.mark.parametrize(
    "prefix",
    [
        "Russia and NATO should create two separate missile defence system",
        "Today we face a serious and growing threat",
        "The New START Treaty benefits",
        "Russia may pull out of the START",
        "What does NOT make sense",
    ],
)
def test_it_dates_the_seed_s_undated_statements_by_publication(seed_text, prefix):
    found = run(seed_text, SEED_PUBLISHED, build_lexicon(), publisher="Itar-Tass")
    assert one(found, prefix).said_on == SEED_PUBLISHED
