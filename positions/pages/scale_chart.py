"""An issue's position scale as an SVG drawn on the server: each party's position over time as a step line,
the scale's steps as labelled gridlines, and below it the distance between the two furthest parties.

Plain data in (positions.selectors.issue_scale), safe markup out: every string goes through format_html.
Parties differ by line pattern and marker shape as well as colour, each line is labelled at its end and
each change point carries its words in a <title>; the page lists the same facts as a table beside it.
"""

from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from positions.pages.timeline import svg_chart, year_axis

WIDTH = 960
LEFT = 250  # the step labels
RIGHT = 120  # the party labels at the lines' ends
TOP = 24
PLOT = 220  # height of the position panel: 0 at the bottom, 100 at the top
GAP = 46
DISTANCE = 90  # height of the distance panel
# Colour, dash pattern and marker: three cues, so no party is told from another by colour alone.
STYLES = [
    ("#0b57a4", "", "circle"),
    ("#a8201a", "8 4", "square"),
    ("#1a6b32", "2 3", "diamond"),
    ("#7a4d00", "12 3 2 3", "circle"),
    ("#5a3ea8", "4 4", "square"),
    ("#0c6464", "1 2", "diamond"),
    ("#3d3d3d", "10 2", "circle"),
]


def party_styles(parties: list[dict]) -> dict[str, tuple[str, str, str]]:
    """Each party's (colour, dash, marker), by slug, in the order given."""
    return {party["slug"]: STYLES[i % len(STYLES)] for i, party in enumerate(parties)}


def scale_svg(*, scale: dict, series: list[dict], distance: list[dict], start: date, end: date) -> SafeString:
    span = max((end - start).days, 1)
    plot_width = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        clipped = min(max(day, start), end)
        return round(LEFT + (clipped - start).days / span * plot_width, 1)

    def y(position: float) -> float:
        return round(TOP + PLOT - position / 100 * PLOT, 1)

    dist_top = TOP + PLOT + GAP
    height = dist_top + DISTANCE + 30

    def y_distance(value: float) -> float:
        return round(dist_top + DISTANCE - value / 100 * DISTANCE, 1)

    parts = [year_axis(start, end, x, height - 24, stroke="#eef0f2")]
    parts.append(
        format_html_join(
            "",
            '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#d0d4d9"/>'
            '<text x="{3}" y="{4}" text-anchor="end" fill="#1f2328">{5} ({6})</text>',
            (
                (LEFT, WIDTH - RIGHT, y(s["position"]), LEFT - 6, y(s["position"]) + 4, s["label"], s["position"])
                for s in scale["steps"]
            ),
        )
    )
    styles = party_styles([s["party"] for s in series])
    for s in series:
        parts.append(_party_line(s, styles[s["party"]["slug"]], x, y, end))
    parts.append(_distance(distance, x, y_distance, dist_top, end))
    description = (
        f"Each party's position on the scale “{scale['title']}” from {start.isoformat()} to {end.isoformat()}, "
        "and below it the distance between the two furthest parties; the same facts are in the tables beside."
    )
    return svg_chart("scale-chart", "sc", WIDTH, height, f"Positions over time: {scale['title']}", description, parts)


def _steps(points: list[dict], value: str, x, y, end: date) -> list[list[tuple]]:
    """The polylines of a step function: one per stretch where the value is known."""
    lines: list[list[tuple]] = []
    for i, point in enumerate(points):
        until = points[i + 1]["date"] if i + 1 < len(points) else end
        if point[value] is None:
            continue
        x0, x1, level = x(point["date"]), x(until), y(point[value])
        if lines and lines[-1][-1][0] == x0 and points[i - 1][value] is not None:
            lines[-1] += [(x0, level), (x1, level)]
        else:
            lines.append([(x0, level), (x1, level)])
    return lines


def _party_line(series: dict, style: tuple, x, y, end: date) -> SafeString:
    colour, dash, marker = style
    name = series["party"]["name"]
    lines = _steps(series["points"], "position", x, y, end)
    paths = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" stroke-dasharray="{}"/>',
        ((" ".join(f"{a},{b}" for a, b in line), colour, dash or "none") for line in lines),
    )
    marks = format_html_join(
        "",
        "{}",
        (
            (
                _marker(
                    marker,
                    x(p["date"]),
                    y(p["position"]),
                    colour,
                    f"{name}: {p['label']} ({p['position']}) from {p['date'].isoformat()}",
                ),
            )
            for p in series["points"]
            if p["position"] is not None
        ),
    )
    label = ""
    last = series["points"][-1]
    if last["position"] is not None:
        label = format_html(
            '<text x="{}" y="{}" fill="{}" font-weight="600">{}</text>',
            WIDTH - RIGHT + 6,
            y(last["position"]) + 4,
            colour,
            name,
        )
    return format_html('<g class="party-line" data-party="{}">{}{}{}</g>', series["party"]["slug"], paths, marks, label)


def _marker(shape: str, cx: float, cy: float, colour: str, text: str) -> SafeString:
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="10" height="10" fill="{}" stroke="#fff"><title>{}</title></rect>',
            cx - 5,
            cy - 5,
            colour,
            text,
        )
    if shape == "diamond":
        return format_html(
            '<polygon points="{},{} {},{} {},{} {},{}" fill="{}" stroke="#fff"><title>{}</title></polygon>',
            cx,
            cy - 6,
            cx + 6,
            cy,
            cx,
            cy + 6,
            cx - 6,
            cy,
            colour,
            text,
        )
    return format_html(
        '<circle cx="{}" cy="{}" r="5" fill="{}" stroke="#fff"><title>{}</title></circle>', cx, cy, colour, text
    )


def _distance(distance: list[dict], x, y, top: int, end: date) -> SafeString:
    label = format_html(
        '<text x="4" y="{}" fill="#1f2328" font-weight="600">Distance between</text>'
        '<text x="4" y="{}" fill="#1f2328" font-weight="600">the furthest parties</text>'
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#b0b4ba"/>'
        '<text x="{}" y="{}" text-anchor="end" fill="#4d545c">0</text>'
        '<text x="{}" y="{}" text-anchor="end" fill="#4d545c">100</text>',
        top + DISTANCE / 2,
        top + DISTANCE / 2 + 15,
        LEFT,
        WIDTH - RIGHT,
        y(0),
        y(0),
        LEFT - 6,
        y(0) + 4,
        LEFT - 6,
        y(100) + 4,
    )
    bars = []
    for i, entry in enumerate(distance):
        if entry["distance"] is None:
            continue
        until = distance[i + 1]["date"] if i + 1 < len(distance) else end
        x0, x1 = x(entry["date"]), x(until)
        text = f"Distance {entry['distance']} from {entry['date'].isoformat()} ({entry['low']} to {entry['high']})"
        bars.append((x0, y(entry["distance"]), max(x1 - x0, 1), round(y(0) - y(entry["distance"]), 1), text))
    return format_html(
        '<g class="distance">{}{}</g>',
        label,
        format_html_join(
            "",
            '<rect class="distance-bar" x="{}" y="{}" width="{}" height="{}" fill="#9aa3ad"><title>{}</title></rect>',
            bars,
        ),
    )
