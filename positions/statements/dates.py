"""When a statement was said: the document's date unless the text dates it ("on Tuesday", "in early July")."""

import re
from calendar import monthrange
from datetime import date, timedelta

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PART = {"early": 5, "beginning": 1, "mid": 15, "middle": 15, "late": 25, "end": 28}
MONTH_RE = "|".join(m.capitalize() for m in MONTHS)
WHEN = re.compile(
    rf"\b(?:(?:in|at) (?:the )?(?P<part>early|beginning of|mid|middle of|late|end of)[- ]?(?:the )?"
    rf"(?:(?P<pmonth>{MONTH_RE}))"
    rf"|(?:on|last|this past) (?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    rf"|(?:on|in|during|since) (?P<month>{MONTH_RE})(?: (?P<day>\d{{1,2}})(?:st|nd|rd|th)?)?"
    rf"(?:,? (?P<year>(?:19|20)\d\d))?"
    rf"|(?P<yesterday>yesterday)|(?P<lastweek>last week)|(?P<lastmonth>last month))\b"
)


def _month_before(day: date, month: int, year: int | None) -> int:
    if year:
        return year
    return day.year if month <= day.month else day.year - 1


def resolve(expression: re.Match, published: date) -> date | None:
    g = expression.groupdict()
    try:
        if g["part"]:
            month = MONTHS[g["pmonth"].lower()]
            year = _month_before(published, month, None)
            part = PART[g["part"].split()[0]]
            return date(year, month, min(part, monthrange(year, month)[1]))
        if g["weekday"]:
            back = (published.weekday() - DAYS.index(g["weekday"].lower())) % 7
            return published - timedelta(days=back)
        if g["month"]:
            month = MONTHS[g["month"].lower()]
            if not g["day"] and not g["year"] and g["month"] == "May":
                return None  # "may" the verb at a sentence start
            year = _month_before(published, month, int(g["year"]) if g["year"] else None)
            day = int(g["day"]) if g["day"] else 1
            return date(year, month, min(day, monthrange(year, month)[1]))
        if g["yesterday"]:
            return published - timedelta(days=1)
        if g["lastweek"]:
            return published - timedelta(days=7)
        if g["lastmonth"]:
            first = published.replace(day=1) - timedelta(days=1)
            return first.replace(day=1)
    except (ValueError, KeyError):
        return None
    return None


def said_on(context: str, published: date | None) -> date | None:
    """The last date the context names that is not after publication, else the publication date."""
    if published is None:
        return None
    found = None
    for match in WHEN.finditer(context):
        day = resolve(match, published)
        if day is not None and day <= published and (published - day).days < 3 * 366:
            found = day
    return found or published
