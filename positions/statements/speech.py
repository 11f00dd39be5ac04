"""Quotations paired per paragraph, and the reporting verbs as running text inflects them."""

import re
from dataclasses import dataclass

from positions.statements import verbs

OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»"
# Reporting verbs as the text inflects them ("said", "warns", "according to"), from the one table.
REPORTING = verbs.pattern()
VERB = re.compile(rf"\b(?:{REPORTING})\b")


@dataclass(frozen=True)
class Quote:
    start: int  # of the quoted words, marks excluded
    end: int
    open_start: int  # of the opening mark
    close_end: int  # after the closing mark, or the paragraph's end when the quote runs on
    runs_on: bool  # no closing mark in this paragraph: the quotation goes on in the next one
    continued: bool  # opens a paragraph that continues the previous paragraph's quotation


def quotes(text: str, start: int, end: int, open_before: bool = False) -> list[Quote]:
    """Quotations in one paragraph, paired robustly: curly marks first, straight ones by alternation.

    A stray mark never fails the paragraph: an unpaired closing mark is dropped, an unpaired opening
    mark runs to the end of the paragraph (a quotation continued in the next paragraph).
    """
    marks = []
    doubled = set()  # ''quotes'' written with two apostrophes, as some papers do
    for match in re.finditer(r"''", text[start:end]):
        doubled.update((start + match.start(), start + match.start() + 1))
    for i in range(start, end):
        ch = text[i]
        if i in doubled:
            if i - 1 in doubled and text[i - 1] == "'" and (i - 2 not in doubled or text[i - 2] != "'"):
                continue  # the second apostrophe of a pair
            before = text[i - 1] if i > start else " "
            marks.append((i, "open" if before.isspace() or before in "([—–-" or i == start else "close", 2))
            continue
        if ch in OPEN_MARKS:
            marks.append((i, "open", 1))
        elif ch in CLOSE_MARKS:
            marks.append((i, "close", 1))
        elif ch == '"':
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            if before.isspace() or before in "([—–-" or i == start:
                marks.append((i, "open", 1))
            elif after.isspace() or after in ".,;:!?)—–-" or i + 1 == end:
                marks.append((i, "close", 1))
    found, opened, width = [], None, 1
    for pos, kind, size in marks:
        if kind == "open":
            if opened is None:
                opened, width = pos, size
        elif opened is not None:
            continued = opened == start and open_before
            found.append(_quote(text, opened + width, pos, opened, pos + size, False, continued))
            opened = None
    if opened is not None:
        found.append(_quote(text, opened + width, end, opened, end, True, opened == start and open_before))
    return [q for q in found if q.end > q.start and re.search(r"\w", text[q.start : q.end])]


def _quote(text, a, b, open_start, close_end, runs_on, continued) -> Quote:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return Quote(a, b, open_start, close_end, runs_on, continued)


INNER = re.compile(r"(?<![\w’'])‘(?P<body>[^‘’]*(?:’\w[^‘’]*)*)’(?!\w)")


def inner_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Quotations inside a quotation, in single marks: ‘…’ (an apostrophe inside a word is not a mark)."""
    found = []
    for match in INNER.finditer(text, start, end):
        a, b = match.span("body")
        found.append(_quote(text, a, b, match.start(), match.end(), False, False))
    return [q for q in found if words(text[q.start : q.end]) >= 3]


def words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9’']+", text))
