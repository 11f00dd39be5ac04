"""A document's text with its statements marked: escaped slices of the text around <mark id="s…"> elements.

The text comes from the internet, so it is only ever escaped (format_html); the offsets come from
the statements. Spans may nest (a report inside a transcript turn, a joint readout on one span);
a span that crosses the end of an enclosing one is cut at that end so the markup stays well formed.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from positions.pages.labels import KIND_WORDS
from positions.vocabularies import ReviewState

CLOSE = mark_safe("</mark>")  # a constant of ours; the text itself only ever goes through format_html


def statement_label(statement) -> str:
    """Who said it for whom, and what kind of statement it is: "Anders Fogh Rasmussen (NATO) · proposal"."""
    who = statement.speaker.name if statement.speaker else "unattributed"
    if statement.party:
        who = f"{who} ({statement.party.name})"
    label = f"{who} · {KIND_WORDS.get(statement.kind, statement.kind)}"
    return label + (" · unreviewed" if statement.review_state != ReviewState.APPROVED else "")


def highlighted_text(text: str, statements: list) -> SafeString:
    """The text with each statement's span in a labelled <mark>, statements ordered by (start, -end, id)."""
    parts: list[SafeString | str] = []
    pos = 0
    stack: list[int] = []  # ends of the open marks, innermost last

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and stack[-1] <= limit:
            end = stack.pop()
            parts.append(text[pos:end])
            parts.append(CLOSE)
            pos = end

    for statement in statements:
        start, end = statement.start, min(statement.end, len(text))
        if start >= end or start < pos:
            continue  # outside the text, or starts inside a slice already written (never for valid spans)
        close_until(start)
        if stack:
            end = min(end, stack[-1])
        parts.append(text[pos:start])
        pos = start
        parts.append(
            format_html(
                '<mark id="s{}" class="statement kind-{}" tabindex="-1"><span class="label">{}</span> ',
                statement.id,
                statement.kind,
                statement_label(statement),
            )
        )
        stack.append(end)
    close_until(len(text))
    parts.append(text[pos:])
    # format_html_join escapes the plain slices and keeps the marks.
    return format_html_join("", "{}", ((part,) for part in parts if part))
