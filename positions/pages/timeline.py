"""A proposal's timeline as an SVG drawn on the server: status periods, each party's stance bands, statement marks.

Plain data in, safe markup out: every string that reaches the SVG goes through format_html, so a
quote or a party name from the internet cannot inject markup. Each band carries its words in a
<title> (and in the band when it fits), so colour is never the only cue.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from positions.pages.labels import STANCE_COLOURS, STATUS_COLOURS, stance_word, status_word
from positions.vocabularies import ReviewState

WIDTH = 960
LABEL_WIDTH = 150
RIGHT_PAD = 16
AXIS_HEIGHT = 26
ROW_HEIGHT = 30
ROW_GAP = 8
CHAR_WIDTH = 7  # an upper bound for the 12px sans-serif labels: a label is drawn only where it fits


# A constant of our own, not text from outside: safe as written.
HATCH = mark_safe(
    '<defs><pattern id="unreviewed" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="4" height="8" fill="#ffffff" fill-opacity="0.35"/></pattern></defs>'
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive; the timeline's end for the one still in force
    value: str
    pending: bool


@dataclass(frozen=True)
class Mark:
    said_on: date
    href: str
    text: str


def periods(events: list[dict], *, until: date) -> list[Period]:
    """The periods in force from a row's events (one status or one party's stances), up to `until`.

    On a day with several rows the one in force follows the as-of rule of the selectors: approved
    before pending, then the one recorded last. Adjacent periods of the same value merge.
    """
    by_day: dict[date, dict] = {}
    for event in events:
        current = by_day.get(event["date"])
        if current is None or _in_force_key(event) > _in_force_key(current):
            by_day[event["date"]] = event
    days = sorted(day for day in by_day if day <= until)
    out: list[Period] = []
    for i, day in enumerate(days):
        end = days[i + 1] if i + 1 < len(days) else until
        event = by_day[day]
        pending = event["review_state"] != ReviewState.APPROVED
        if out and out[-1].value == event["value"] and out[-1].pending == pending:
            out[-1] = Period(out[-1].start, end, event["value"], pending)
        else:
            out.append(Period(day, end, event["value"], pending))
    return out


def _in_force_key(event: dict) -> tuple:
    return (event["review_state"] == ReviewState.APPROVED, event["recorded_at"], event.get("id", 0))


def timeline_svg(
    *, title: str, events: list[dict], parties: list[dict], marks: list[Mark], start: date, end: date
) -> SafeString:
    """The chart: a year axis, a status row, one stance row per party (in the given order), a statements row."""
    span = max((end - start).days, 1)
    plot = WIDTH - LABEL_WIDTH - RIGHT_PAD

    def x(day: date) -> float:
        clipped = min(max(day, start), end)
        return round(LABEL_WIDTH + (clipped - start).days / span * plot, 1)

    rows = [("Status", [e for e in events if e["type"] == "status"], STATUS_COLOURS, status_word)]
    for party in parties:
        own = [e for e in events if e["type"] == "stance" and e["party"] and e["party"]["id"] == party["id"]]
        rows.append((party["name"], own, STANCE_COLOURS, stance_word))
    height = AXIS_HEIGHT + (len(rows) + 1) * (ROW_HEIGHT + ROW_GAP) + 4
    parts = [HATCH, year_axis(start, end, x, height - 4)]
    for index, (label, row_events, colours, word) in enumerate(rows):
        y = AXIS_HEIGHT + index * (ROW_HEIGHT + ROW_GAP)
        parts.append(_row_label(label, y))
        for period in periods(row_events, until=end):
            parts.append(_band(period, x, y, label, colours, word))
    y = AXIS_HEIGHT + len(rows) * (ROW_HEIGHT + ROW_GAP)
    parts.append(_row_label("Statements", y))
    parts.append(_marks(marks, x, y))
    description = (
        f"Status of the proposal and each party's stance from {start.isoformat()} to {end.isoformat()}, "
        f"with {len(marks)} statement(s) marked; the same facts are listed below as text."
    )
    return svg_chart("timeline", "tl", WIDTH, height, f"Timeline: {title}", description, parts)


def svg_chart(css_class: str, ids: str, width: int, height: int, title: str, description: str, parts) -> SafeString:
    """A chart drawn on the server: an accessible SVG image (its title and description read out) of `parts`.
    The timeline and the issue page's scale chart are both drawn in one."""
    return format_html(
        '<svg class="{0}" viewBox="0 0 {2} {3}" role="img" aria-labelledby="{1}-title {1}-desc" '
        'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">'
        '<title id="{1}-title">{4}</title><desc id="{1}-desc">{5}</desc>{6}</svg>',
        css_class,
        ids,
        width,
        height,
        title,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def year_axis(start: date, end: date, x, bottom: int, stroke: str = "#b0b4ba") -> SafeString:
    """A line and a label at each 1 January from `start` to `end`, down to `bottom`."""
    ticks = [date(year, 1, 1) for year in range(start.year, end.year + 1) if date(year, 1, 1) >= start]
    return format_html_join(
        "",
        '<line x1="{0}" x2="{0}" y1="14" y2="{1}" stroke="{3}" stroke-width="1"/>'
        '<text x="{0}" y="11" text-anchor="middle" fill="#1f2328">{2}</text>',
        ((x(tick), bottom, tick.year, stroke) for tick in ticks),
    )


def _row_label(label: str, y: int) -> SafeString:
    text = label if len(label) <= 20 else label[:19] + "…"
    return format_html(
        '<text x="4" y="{}" fill="#1f2328" font-weight="600">{}<title>{}</title></text>',
        y + ROW_HEIGHT / 2 + 4,
        text,
        label,
    )


def _band(period: Period, x, y: int, row: str, colours: dict, word) -> SafeString:
    x0, x1 = x(period.start), x(period.end)
    width = max(x1 - x0, 2)
    words = word(period.value) + (" (unreviewed)" if period.pending else "")
    tip = f"{row}: {words} from {period.start.isoformat()} to {period.end.isoformat()}"
    inside = ""
    if len(words) * CHAR_WIDTH + 8 <= width:
        inside = format_html(
            '<text x="{}" y="{}" fill="#ffffff" aria-hidden="true">{}</text>', x0 + 4, y + ROW_HEIGHT / 2 + 4, words
        )
    # Unreviewed periods are hatched as well as labelled, so they stand out in print too.
    fill = "url(#unreviewed)" if period.pending else colours.get(period.value, "#4f5660")
    return format_html(
        '<g class="band"><rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff">'
        "<title>{}</title></rect>{}{}</g>",
        x0,
        y,
        round(width, 1),
        ROW_HEIGHT,
        colours.get(period.value, "#4f5660"),
        tip,
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" pointer-events="none"/>',
            x0,
            y,
            round(width, 1),
            ROW_HEIGHT,
            fill,
        )
        if period.pending
        else "",
        inside,
    )


def _marks(marks: list[Mark], x, y: int) -> SafeString:
    # Marks on one day would hide each other: stack them in three lanes.
    lanes: dict[float, int] = {}
    out = []
    for mark in marks:
        cx = x(mark.said_on)
        lane = lanes.get(cx, 0)
        lanes[cx] = lane + 1
        out.append((mark.href, cx, y + 7 + (lane % 3) * 8, mark.text))
    return format_html_join(
        "",
        '<a href="{0}" class="mark"><circle cx="{1}" cy="{2}" r="5" fill="#1f2328" stroke="#ffffff">'
        "<title>{3}</title></circle></a>",
        out,
    )
