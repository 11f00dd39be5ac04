"""The one CSV writer: every download, from the API or a page, is written line by line through it.

A cell is data, never a formula. Quotes come from the web and from uploads, so a text cell that a
spreadsheet would evaluate (OWASP "CSV injection": one that begins with =, +, -, @, a tab or a
carriage return) is written with a leading apostrophe. A text that already begins with an apostrophe
gets one too, so that the rule can be undone: strip one leading apostrophe from a text cell that has
one and the original text is back. Text cells are quoted; numbers, written by us, stay bare (no
number we write is negative, and a spreadsheet keeps a bare number a number).
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def cell_safe(value):
    """The value as it goes in a cell: a text that could start a formula (or starts with the prefix)
    behind a PREFIX; anything else as it is."""
    if isinstance(value, str) and value.startswith((*FORMULA_START, PREFIX)):
        return PREFIX + value
    return value


class _Echo:
    """A file whose write() hands the line back, so that csv.writer yields one row at a time."""

    def write(self, line: str) -> str:
        return line


def csv_lines(headers: list[str], rows: Iterable[tuple]) -> Iterator[str]:
    """The header line, then one line per row. None is written as an empty cell, a date in ISO form."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_NONNUMERIC)
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([cell_safe(value) for value in row])


def csv_response(headers: list[str], rows: Iterable[tuple], *, filename: str, stream: bool = False) -> HttpResponse:
    """A CSV attachment; `stream` for rows from a server-side cursor, so that memory stays flat."""
    lines = csv_lines(headers, rows)
    content_type = "text/csv; charset=utf-8"
    if stream:
        response = StreamingHttpResponse(lines, content_type=content_type)
    else:
        response = HttpResponse("".join(lines), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
