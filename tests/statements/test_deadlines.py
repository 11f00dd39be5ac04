"""Target dates as said, read into the last day they are due (positions/statements/deadlines.py)."""

from datetime import date

import pytest

from positions.statements.deadlines import Due, due_from_phrase

SAID = date(2011, 12, 6)


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("by 2020", Due(date(2020, 12, 31), "year")),
        ("in 2012", Due(date(2012, 12, 31), "year")),
        ("no later than 2015.", Due(date(2015, 12, 31), "year")),
        ("by the end of the year", Due(date(2011, 12, 31), "year")),
        ("by the end of 2014", Due(date(2014, 12, 31), "year")),
        ("by June 2012", Due(date(2012, 6, 30), "month")),
        ("by 30 June 2012", Due(date(2012, 6, 30), "day")),
        ("before 2012", Due(date(2011, 12, 31), "year")),
        ("before June 2012", Due(date(2012, 5, 31), "month")),
        ("next year", Due(date(2012, 12, 31), "year")),
    ],
)
def test_it_reads_a_date_as_the_last_day_it_names(phrase, due):
    assert due_from_phrase(phrase, said_on=SAID) == due


def test_it_counts_a_span_from_the_day_said():
    assert due_from_phrase("within six months", said_on=SAID) == Due(date(2012, 6, 6), "day")
    assert due_from_phrase("within 18 months", said_on=SAID) == Due(date(2013, 6, 6), "day")
    assert due_from_phrase("in two weeks", said_on=SAID) == Due(date(2011, 12, 20), "day")
    # Six months from 31 August is the last day of February, not an error.
    assert due_from_phrase("within six months", said_on=date(2011, 8, 31)) == Due(date(2012, 2, 29), "day")


def test_it_dates_a_named_event_only_when_the_negotiation_gives_its_date():
    assert due_from_phrase("before the Chicago summit", said_on=SAID) is None
    events = {"Chicago summit": date(2012, 5, 20)}
    assert due_from_phrase("before the Chicago summit", said_on=SAID, events=events) == Due(date(2012, 5, 19), "day")
    assert due_from_phrase("by the Chicago summit", said_on=SAID, events=events) == Due(date(2012, 5, 20), "day")


@pytest.mark.parametrize("phrase", ["soon", "in due course", "when the time is right", ""])
def test_it_finds_no_date_where_none_is_said(phrase):
    assert due_from_phrase(phrase, said_on=SAID) is None
