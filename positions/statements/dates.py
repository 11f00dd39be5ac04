"""When a statement was said: what the words around it say ("on Monday", "in mid-August", "after that
meeting"), else the day its document was published.

`DateIndex(text, published)` finds a document's date expressions once (one regex pass, quotations
left out); `.said(start, end, lo)` then dates the words text[start:end] by looking, in this order, at
  1. the sentences holding them and their cue, outside every quotation and outside the words
     themselves: “We met in June,” he said on Monday — Monday, not June; the nearest expression wins;
  2. the paragraph before them: its last date expression, when that is an anaphor or stands in a
     sentence about a saying ("Speaking after the meeting in Sochi in early July, …", "in a March 2
     interview", "the issue was raised at a meeting in mid-August"); a date about something else
     ("Turner yesterday introduced the bill", "a deal to be agreed at the May 2011 summit") or later
     in the paragraph says nothing of when these words were said;
  3. for an anaphor met in 1 or 2 ("after that meeting", "at the time", "said then"): the most
     recent dated event named earlier in the text, back to `lo` (a meeting for "that meeting").
Failing that, the publication date with precision day; None when the document has no date.

What each expression gives (DateSaid.day and its precision):
- a day: "on Monday" (that weekday on or before publication; "last Monday" strictly before),
  "yesterday", "today", "on June 8", "June 8, 2011", "three days ago" → precision day;
- a month: "in June", "in June 2011", "last month", "earlier this month", "two months ago", "after
  the June meeting" → the 1st of the month, precision month; and a part of a month ("in mid-August",
  "in early July", "at the end of June") the same: a day inside the month would claim more than the
  words say, so it stays the 1st, precision month;
- a year: "in 2010", "last year", "earlier this year" → 1 January, precision year;
- roughly: "last week" (seven days back), "two weeks ago" → precision approximate.
A month or a day without a year is the latest one not after publication, except that one later in
the publication's own month ("on December 20", "in late December", written on 6 December) is still
to come, and dates nothing. No date after publication is taken, nor one more than MAX_AGE before it.

Words that are not about a date are not read as one: a month needs a preposition or a day ("in May",
"May 5"; never the verb "may"), a year needs "in", "during" or "since" ("a July 2010 report", "the
2009 review" date nothing), and "the July talks" dates a statement only when it was made at or after
them ("after the June meeting").
"""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from positions.statements.records import DateSaid
from positions.statements.structure import paragraphs, sentences

MAX_AGE = timedelta(days=3 * 366)

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
NUMBERS |= {"eight": 8, "nine": 9, "ten": 10, "several": 3, "a few": 3}
VAGUE = {"several", "a few"}  # roughly three: approximate whatever the unit
# Where in the month a part of it starts: "in late December" has not begun on 6 December.
PART_START = {"early": 1, "beginning": 1, "start": 1, "first": 1, "mid": 11, "middle": 11, "late": 21, "end": 21}
PART_START |= {"second": 16, "last": 21}

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_YEAR = r"(?:19|20)\d\d"
_EVENT_NOUN = (
    r"(?:meetings?|talks|summit|session|conference|council|visit|negotiations|round|call|conversation"
    r"|consultations|ceremony|hearing|forum|gathering|discussions?|exchange)"
)
_AFTER_EVENT = r"(?:at|after|during|following|since|on\s+the\s+(?:sidelines|margins)\s+of|in\s+the\s+wake\s+of)"
_REPORTING = r"(?:said|says|stated|added|noted|told\s+\w+|declared|warned|remarked|insisted|stressed)"
_I = "(?i:{})".format  # lower-case words that may open a sentence ("Last week, …")

EXPRESSION = re.compile(
    r"\b(?:"
    # June 8, 2011 / 8 June 2011 (with or without "on"): a day, whatever the words around it
    rf"(?:{_I('on|since')}\s+)?(?P<f_month>{_MONTH})\s+(?P<f_day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<f_year>{_YEAR})"
    rf"|(?:{_I('on|since')}\s+)?(?P<g_day>\d{{1,2}})\s+(?P<g_month>{_MONTH}),?\s+(?P<g_year>{_YEAR})"
    # at / after the June (2011) meeting, at the June 8 summit
    rf"|{_I(_AFTER_EVENT)}\s+(?:{_I('the|a|an|last')}\s+)?(?P<e_month>{_MONTH})(?:\s+(?P<e_day>\d{{1,2}}),?)?"
    rf"(?:\s+(?P<e_year>{_YEAR}))?\s+(?:[\w'’-]+\s+){{0,3}}?{_I(_EVENT_NOUN)}"
    # in early July, in mid-August, in the middle of August, at the end of June (2011)
    rf"|{_I('in|at|during|since')}\s+(?:{_I('the')}\s+)?"
    rf"(?P<part>{_I('early|mid|late|middle|beginning|start|end|first half|second half|first days|last days')})"
    rf"(?:[-\s]+{_I('of')})?[-\s]+(?:{_I('the')}\s+)?(?P<p_month>{_MONTH})(?:,?\s+(?P<p_year>{_YEAR}))?"
    # in June (2011), since June; last June
    rf"|{_I('in|during|since|throughout')}\s+(?P<m_month>{_MONTH})(?:,?\s+(?P<m_year>{_YEAR}))?(?!\s*\d)"
    rf"|{_I('last|this past')}\s+(?P<l_month>{_MONTH})(?!\s*\d)"
    # (on) June 8
    rf"|(?:{_I('on')}\s+)?(?P<d_month>{_MONTH})\s+(?P<d_day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:]|,?\s+{_YEAR})"
    # in 2010
    rf"|{_I('in|during|since|throughout')}\s+(?P<year>{_YEAR})(?![-–/]?\d)"
    # (on / last) Monday
    rf"|(?:(?P<w_last>{_I('last|this past')})\s+|{_I('on')}\s+)?(?P<weekday>{'|'.join(WEEKDAYS)})(?!s\b)"
    rf"|(?P<before_yesterday>{_I('the day before yesterday')})"
    rf"|(?P<yesterday>{_I('yesterday')})"
    rf"|(?P<today>{_I('today|this morning|this afternoon|this evening|tonight')})"
    rf"|{_I('last')}\s+(?P<last>{_I('week|month|year')})"
    rf"|{_I('earlier this')}\s+(?P<this>{_I('month|year')})"  # "this year" alone is as often the future
    rf"|(?P<n>{_I('|'.join(sorted(NUMBERS, key=len, reverse=True)))}|\d{{1,2}})\s+"
    rf"(?P<ago>{_I('day|week|month|year')})s?\s+{_I('ago')}"
    # anaphors: after that meeting / at the time / said then / that day
    rf"|(?P<a_event>{_I(_AFTER_EVENT)}\s+{_I('that|those|the same')}\s+{_I(_EVENT_NOUN)})"
    rf"|(?P<a_time>{_I('at (?:the|that) time|back then|(?:on )?(?:that|the same) day')}"
    rf"|{_I(_REPORTING)}\s+then(?![-‐]))"  # "said then", not "said then-President Medvedev"
    r")\b"
)
# A sentence naming an event an anaphor can point back to ("met in late June", "a meeting … in August").
EVENT = re.compile(rf"\b(?:{_EVENT_NOUN}|met|meet|meets|visited|gathered|convened)\b", re.IGNORECASE)
# A sentence about a saying ("speaking after…", "in a March 2 interview", "Lavrov said on Monday"): only
# its date dates the rest of its paragraph. "Turner yesterday introduced the bill. “…,” said Turner."
# says nothing of when Turner spoke, nor does a summit named in the sentence before a quotation.
SCENE = re.compile(
    r"\b(?:said|says|told|stated|added|announced|declared|stressed|noted|wrote|raised|discussed|asked|replied"
    r"|confirmed|insisted|warned|urged|speaking|spoke|speech|interview|statement|remarks|news conference"
    r"|press conference|briefing|letter)\b",
    re.IGNORECASE,
)
# Quotations: “…”, and "…" paired in order; one left open runs to the end of its paragraph.
QUOTE_MARK = re.compile(r"[“”\"]")


@dataclass(frozen=True)
class Mention:
    """A date expression of the text: what it dates, or, for an anaphor, what kind of antecedent it needs."""

    start: int
    end: int
    said: DateSaid | None  # None for an anaphor, and for words that date nothing here (in the future)
    anaphor: str = ""  # "event" (after that meeting) or "any" (at the time, that day, said then)
    event: bool = False  # its sentence names a meeting, a visit, talks…
    scene: bool = False  # its sentence is about a saying: it may date the rest of its paragraph


class DateIndex:
    """The date expressions of one document, read once; `said` dates one statement of it.

    Building it is linear in the text; each `said` call is logarithmic in the number of sentences and
    expressions, plus the expressions of the statement's own paragraph."""

    def __init__(self, text: str, published: date | None):
        self.text = text
        self.published = published
        self.paragraphs = [(p.start, p.end) for p in paragraphs(text)]
        self.sentences: list[tuple[int, int]] = []
        for start, end in self.paragraphs:
            self.sentences += sentences(text[start:end], start)
        self._sentence_starts = [s for s, _ in self.sentences]
        self._paragraph_starts = [s for s, _ in self.paragraphs]
        quotes = _quotations(text, self.paragraphs)
        quote_starts = [s for s, _ in quotes]
        self.mentions: list[Mention] = []
        for match in EXPRESSION.finditer(text):
            at = bisect_right(quote_starts, match.start()) - 1
            if at >= 0 and quotes[at][1] > match.start():
                continue  # inside a quotation: the quoted words' time, not the time they were said
            mention = _mention(match, published)
            if mention.said is None and not mention.anaphor:
                continue
            sentence = self._sentence_at(match.start())
            event = bool(EVENT.search(text, *sentence))
            scene = bool(SCENE.search(text, *sentence))
            self.mentions.append(Mention(match.start(), match.end(), mention.said, mention.anaphor, event, scene))
        self._starts = [m.start for m in self.mentions]
        dated = [m for m in self.mentions if m.said is not None]
        self._dated, self._dated_ends = dated, [m.end for m in dated]
        events = [m for m in dated if m.event]
        self._events, self._event_ends = events, [m.end for m in events]

    def said(self, start: int, end: int, lo: int = 0) -> DateSaid | None:
        """When text[start:end] was said (see the module's docstring); `lo` bounds how far back
        the search goes (a transcript turn's start, say)."""
        end = max(start, end)
        first = self._sentence_at(start)
        last = self._sentence_at(max(start, end - 1))
        near_lo, near_hi = max(lo, first[0]), max(last[1], end)
        near = self._between(near_lo, near_hi, start, end)
        for mention in sorted(near, key=lambda m: start - m.end if m.end <= start else m.start - end):
            said = self._resolve(mention, lo)
            if said is not None:
                return said
        para_lo = max(lo, self._paragraph_at(start)[0])
        before = self._between(para_lo, near_lo, start, end)
        if before and (before[-1].anaphor or before[-1].scene):
            said = self._resolve(before[-1], lo)
            if said is not None:
                return said
        return DateSaid(self.published, "day") if self.published else None

    def _between(self, lo: int, hi: int, start: int, end: int) -> list[Mention]:
        """The mentions inside [lo, hi) but outside the statement's own words [start, end)."""
        found = self.mentions[bisect_left(self._starts, lo) : bisect_left(self._starts, hi)]
        return [m for m in found if m.end <= hi and (m.end <= start or m.start >= end)]

    def _resolve(self, mention: Mention, lo: int) -> DateSaid | None:
        if not mention.anaphor:
            return mention.said
        # The most recent dated event named before the anaphor (any date for "at the time").
        pool, ends = (self._events, self._event_ends) if mention.anaphor == "event" else (self._dated, self._dated_ends)
        at = bisect_right(ends, mention.start) - 1
        if at < 0 or pool[at].start < lo:
            return None
        return pool[at].said

    def _sentence_at(self, offset: int) -> tuple[int, int]:
        at = bisect_right(self._sentence_starts, offset) - 1
        if at < 0:
            return (offset, offset)
        return self.sentences[at]

    def _paragraph_at(self, offset: int) -> tuple[int, int]:
        at = bisect_right(self._paragraph_starts, offset) - 1
        if at < 0:
            return (offset, offset)
        return self.paragraphs[at]


def date_said(text: str, start: int, end: int, published: date | None, *, lo: int = 0) -> DateSaid | None:
    """When text[start:end] was said. For one statement; a document's statements share one DateIndex."""
    return DateIndex(text, published).said(start, end, lo)


def _quotations(text: str, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = []
    for p_start, p_end in paras:
        opened = None
        for mark in QUOTE_MARK.finditer(text, p_start, p_end):
            char = mark.group()
            if opened is None:
                if char == "”":
                    spans.append((p_start, mark.end()))  # a quotation running on from the paragraph before
                else:
                    opened = mark.start()
            elif char != "“":
                spans.append((opened, mark.end()))
                opened = None
        if opened is not None:
            spans.append((opened, p_end))
    spans.sort()
    return spans


def _mention(match: re.Match, published: date | None) -> Mention:
    g = match.groupdict()
    if g["a_event"]:
        return Mention(match.start(), match.end(), None, "event")
    if g["a_time"]:
        return Mention(match.start(), match.end(), None, "any")
    said = _resolve(g, published)
    if said is not None and published is not None and not (published - MAX_AGE <= said.day <= published):
        said = None
    return Mention(match.start(), match.end(), said)


def _resolve(g: dict, p: date | None) -> DateSaid | None:
    """The date an expression names, read against the publication date `p`."""
    try:
        if g["f_month"] or g["g_month"]:
            month = _month(g["f_month"] or g["g_month"])
            return DateSaid(date(int(g["f_year"] or g["g_year"]), month, int(g["f_day"] or g["g_day"])))
        if g["e_month"]:
            month, year = _month(g["e_month"]), g["e_year"]
            if g["e_day"]:
                day = _day_back(p, month, int(g["e_day"]), year)
                return DateSaid(day) if day else None
            return _month_back(p, month, year)
        if g["part"]:
            said = _month_back(p, _month(g["p_month"]), g["p_year"])
            part = PART_START[g["part"].lower().replace("-", " ").split()[0]]
            if said and p and (said.day.year, said.day.month) == (p.year, p.month) and part > p.day:
                return None  # later this month: still to come
            return said
        if g["m_month"]:
            return _month_back(p, _month(g["m_month"]), g["m_year"])
        if g["d_month"]:
            day = _day_back(p, _month(g["d_month"]), int(g["d_day"]), None)
            return DateSaid(day) if day else None
        if g["year"]:
            return DateSaid(date(int(g["year"]), 1, 1), "year")
        if p is None:
            return None  # the rest is counted from the publication date
        if g["l_month"]:
            month = _month(g["l_month"])
            return DateSaid(date(p.year if month < p.month else p.year - 1, month, 1), "month")
        if g["weekday"]:
            back = (p.weekday() - WEEKDAYS.index(g["weekday"])) % 7
            if g["w_last"] and back == 0:
                back = 7
            return DateSaid(p - timedelta(days=back))
        if g["before_yesterday"]:
            return DateSaid(p - timedelta(days=2))
        if g["yesterday"]:
            return DateSaid(p - timedelta(days=1))
        if g["today"]:
            return DateSaid(p)
        if g["last"] or g["this"] or g["ago"]:
            unit = (g["last"] or g["this"] or g["ago"]).lower()
            n = 0 if g["this"] else 1 if g["last"] else NUMBERS.get(g["n"].lower()) or int(g["n"])
            said = _back(p, unit, n)
            return DateSaid(said.day, "approximate") if g["n"] and g["n"].lower() in VAGUE else said
    except ValueError:  # 31 June, and the like
        return None
    return None


def _back(p: date, unit: str, n: int) -> DateSaid:
    if unit == "day":
        return DateSaid(p - timedelta(days=n))
    if unit == "week":
        return DateSaid(p - timedelta(days=7 * n), "approximate")
    if unit == "month":
        months = p.year * 12 + p.month - 1 - n
        return DateSaid(date(months // 12, months % 12 + 1, 1), "month")
    return DateSaid(date(p.year - n, 1, 1), "year")


def _month(name: str) -> int:
    return MONTHS.index(name[:3].lower()) + 1


def _month_back(p: date | None, month: int, year: str | None) -> DateSaid | None:
    """The month named, in the year given or the latest one not after publication."""
    if year:
        return DateSaid(date(int(year), month, 1), "month")
    if p is None:
        return None
    return DateSaid(date(p.year if month <= p.month else p.year - 1, month, 1), "month")


def _day_back(p: date | None, month: int, day: int, year: str | None) -> date | None:
    """The day named, in the year given or the latest one not after publication; one later in the
    publication's own month is still to come."""
    if year:
        return date(int(year), month, day)
    if p is None:
        return None
    if month == p.month and day > p.day:
        return None
    return date(p.year if (month, day) <= (p.month, p.day) else p.year - 1, month, day)
