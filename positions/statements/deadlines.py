"""Reads a target date as said ("by 2020", "within six months", "before the Chicago summit") into the
last day by which it is due, relative to the day it was said. Plain data in and out.

dateparser reads the dates themselves; this module reads only the words around them. A year or a
month is due by its last day ("by 2018": 2018-12-31). A span counts from the day said ("within six
months" of 2011-12-06: 2012-06-06). A named event ("the Chicago summit") has a date only when the
negotiation gives it one (`events`); otherwise the phrase has no date here and a curator enters it.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateparser import DateDataParser

from positions.vocabularies import DatePrecision

_LEAD = re.compile(r"^(?:(?:no|not) later than|by|before|until|till|within|in|during|at|for)\s+", re.IGNORECASE)
_END_OF = re.compile(r"^(?:the\s+)?end\s+of\s+", re.IGNORECASE)
_SPAN = re.compile(r"^(?:within|in)\s+(?:the\s+next\s+)?(?P<count>\S+)\s+(?P<unit>day|week|month|year)s?$", re.I)
_THIS_YEAR = re.compile(r"^(?:the|this)\s+year$", re.IGNORECASE)
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24,
}  # fmt: skip
_PERIODS = {"day": DatePrecision.DAY, "month": DatePrecision.MONTH, "year": DatePrecision.YEAR}


@dataclass(frozen=True)
class Due:
    day: date
    precision: str  # a DatePrecision value


def due_from_phrase(phrase: str, *, said_on: date, events: dict[str, date] | None = None) -> Due | None:
    """The last day a phrase names, said on `said_on`; None when it names no date this can know."""
    text = " ".join(phrase.strip().rstrip(".").split())
    span = _SPAN.match(text)
    if span:
        return _after(said_on, span["count"], span["unit"].lower())
    rest = _LEAD.sub("", text)
    before = rest != text and text.lower().startswith("before")
    rest = _END_OF.sub("", rest)
    if _THIS_YEAR.match(rest):
        due = Due(date(said_on.year, 12, 31), DatePrecision.YEAR)
    else:
        named = [day for name, day in (events or {}).items() if _event_key(rest) == _event_key(name)]
        due = Due(named[0], DatePrecision.DAY) if named else _parsed(rest, said_on)
    return _day_before(due) if due and before else due


def _day_before(due: Due) -> Due:
    """ "Before 2012" is due by the end of 2011, "before the summit" by the day before it."""
    if due.precision == DatePrecision.YEAR:
        return Due(date(due.day.year - 1, 12, 31), due.precision)
    if due.precision == DatePrecision.MONTH:
        return Due(due.day.replace(day=1) - timedelta(days=1), due.precision)
    return Due(due.day - timedelta(days=1), due.precision)


def _after(said_on: date, count: str, unit: str) -> Due | None:
    n = int(count) if count.isdigit() else _NUMBERS.get(count.lower())
    if not n:
        return None
    if unit in ("day", "week"):
        return Due(said_on + timedelta(days=n * (7 if unit == "week" else 1)), DatePrecision.DAY)
    months = n * (12 if unit == "year" else 1)
    year, month = divmod(said_on.month - 1 + months, 12)
    year, month = said_on.year + year, month + 1
    # Six months from 31 August is the last day of February.
    return Due(date(year, month, min(said_on.day, calendar.monthrange(year, month)[1])), DatePrecision.DAY)


def _event_key(name: str) -> str:
    return re.sub(r"^the\s+", "", name.strip().lower())


def _parsed(text: str, said_on: date) -> Due | None:
    # Only absolute dates and dateparser's own relative words ("next year"), read from the day said.
    parser = DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(said_on.year, said_on.month, said_on.day),
            "PREFER_DAY_OF_MONTH": "last",
            "PREFER_DATES_FROM": "future",
            "REQUIRE_PARTS": ["year"],
        },
    )
    found = parser.get_date_data(text)
    if found.date_obj is None:
        return None
    precision = _PERIODS.get(found.period, DatePrecision.DAY)
    day = found.date_obj.date()
    if precision == DatePrecision.YEAR:
        day = date(day.year, 12, 31)
    elif precision == DatePrecision.MONTH:
        day = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return Due(day, precision)
