"""The head of a plain text: its headline and the day it was published, read from its first lines.

A date counts only where a publisher puts one: on a line of its own ("December 6, 2011",
"06.19.2013", "December 20, 2012, Moscow"), after a release phrase ("For Immediate Release July 6,
2009") or as a dateline opening a paragraph ("BRUSSELS, Dec. 8, 2011 –"). A date in a sentence of
the body is what the story is about, not when it came out, and is never read here.

dateparser reads each candidate with settings that keep it from guessing: the absolute-time parser
only (no relative words read against the clock, no timestamps, no "20111206"), day, month and year
all required (a dateline without a year, "MOSCOW, December 6 (Itar-Tass) —", is kept as raw text
but gives no date), and a numeric date is read only when one order of day and month makes sense
("06.19.2013"; "4/12/2013" could be either and is left alone).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from dateparser import DateDataParser

HEAD_LINES = 15  # non-empty lines looked at; the body starts well before on every document seen
BODY_CHARS = 300  # a longer line is a paragraph of the body: the head ends with it
TITLE_WORDS = (4, 30)  # "All news" and "THE WHITE HOUSE" are not headlines; a paragraph is not one either
TITLE_CHARS = 250

_MONTH = r"[A-Z][A-Za-z]{2,8}\.?"  # a capitalized word: dateparser decides whether it is a month
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
CANDIDATE = re.compile(
    rf"\b(?:(?P<mdy>{_MONTH}\s+{_DAY},?\s+{_YEAR})"
    rf"|(?P<dmy>\d{{1,2}}\s+{_MONTH},?\s+{_YEAR})"
    rf"|(?P<num>(?P<a>\d{{1,2}})(?P<sep>[./-])(?P<b>\d{{1,2}})(?P=sep){_YEAR})"
    rf"|(?P<iso>{_YEAR}-\d\d-\d\d)"
    rf"|(?P<md>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?))\b(?![.,/-]?\s*\d)"
)
_RELEASE = r"(?:for\s+(?:immediate\s+)?release|released|published|posted|issued|updated|dated?)(?:\s+on)?\s*:?\s*"
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s*"
# A place as datelines write it: "MOSCOW,", "Washington, D.C.,", "St. Petersburg,", "BRUSSELS (Reuters),".
_PLACE = r"(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*\([^()]{1,40}\))?,\s*){1,2}"
RELEASED = re.compile(rf"^\s*{_RELEASE}(?:{_WEEKDAY})?$", re.IGNORECASE)
RELEASE_LINE = re.compile(rf"^\s*{_RELEASE}", re.IGNORECASE)
BEFORE_DATE = re.compile(rf"^\s*(?:{_PLACE})?(?:{_WEEKDAY})?$")
# After the date: a place, an agency or a time, then the end of the line or a dash into the body.
AFTER_DATE = re.compile(
    r"^[,\s]*(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*,?\s*)?(?:\([^()]{1,40}\)\s*)?"
    r"(?:\d{1,2}[:.]\d\d\s*[AaPp]\.?\s*[Mm]\.?(?:\s*[A-Z]{2,4})?\s*)?(?:$|[–—-]\s|--|:\s)"
)
LABEL = re.compile(r"^(?:Q|[A-Z][A-Z.'’ -]{1,40}):")  # "MR. GIBBS:", "Q:" open a transcript's turns


@dataclass(frozen=True)
class TextHead:
    title: str = ""
    published: date | None = None
    published_raw: str = ""  # the date as written; kept when it is no date by itself ("December 6")


def read_head(text: str, *, earliest: date, latest: date) -> TextHead:
    """The headline and publication date a plain text's first lines give; dates outside
    [earliest, latest] are refused (kept as raw text only)."""
    lines = _head_lines(text)
    published, raw, date_lines = None, "", set()
    for index, line in enumerate(lines):
        for match in CANDIDATE.finditer(line):
            if not _placed_as_a_date(line, match):
                continue
            is_date, day = _read(match)
            if not is_date:
                continue  # "Room 12", "Article 5"
            date_lines.add(index)  # no headline, whether or not it is the date taken
            if published is None:
                raw = raw or match.group()
                if day is not None and earliest <= day <= latest:
                    published, raw = day, match.group()
    return TextHead(title=_title(lines, date_lines), published=published, published_raw=raw)


def _head_lines(text: str) -> list[str]:
    lines = []
    for raw in text[:20_000].split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        lines.append(line)
        if len(lines) >= HEAD_LINES or len(line) > BODY_CHARS:
            break
    return lines


def _placed_as_a_date(line: str, match: re.Match) -> bool:
    before, after = line[: match.start()], line[match.end() :]
    if RELEASED.match(before):
        return True  # "For Immediate Release July 6, 2009 TRANSCRIPT OF …": whatever follows
    return bool(BEFORE_DATE.match(before)) and bool(AFTER_DATE.match(after))


def _read(match: re.Match) -> tuple[bool, date | None]:
    """Whether the candidate is a date as written, and the day it names when it names one."""
    if match.group("md"):
        return _parser("MDY", year=False).get_date_data(match.group()).date_obj is not None, None
    order = "MDY"
    if match.group("num"):
        a, b = int(match.group("a")), int(match.group("b"))
        if a <= 12 and b <= 12 and a != b:
            return True, None  # 4/12/2013: April or December, nothing says which
        order = "DMY" if a > 12 else "MDY"
    elif match.group("iso"):
        order = "YMD"
    parsed = _parser(order).get_date_data(match.group()).date_obj
    return parsed is not None, parsed.date() if parsed else None


@cache
def _parser(order: str, *, year: bool = True) -> DateDataParser:
    return DateDataParser(
        languages=["en"],
        settings={
            "PARSERS": ["absolute-time"],
            "REQUIRE_PARTS": ["day", "month", "year"] if year else ["day", "month"],
            "DATE_ORDER": order,
            "PREFER_LOCALE_DATE_ORDER": False,
            "RELATIVE_BASE": datetime(2000, 1, 1),  # never the clock, should a relative word slip through
        },
    )


def _title(lines: list[str], date_lines: set[int]) -> str:
    """The first line that reads like a headline: a few words, not a date line, and no sentence."""
    for index, line in enumerate(lines):
        words = len(line.split())
        if index in date_lines or len(line) > TITLE_CHARS or not TITLE_WORDS[0] <= words <= TITLE_WORDS[1]:
            continue
        if RELEASE_LINE.match(line) or LABEL.match(line) or line.endswith("."):
            continue  # a release line, a speaker's label, a sentence of the body
        return line
    return ""
