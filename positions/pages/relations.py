"""A proposal's relations to other proposals as a small SVG graph drawn on the server.

The proposal sits in the middle; the proposals that bear on it are on the left, those it bears on on the
right, so that every arrow runs left to right, from the proposal that counters, supersedes, backs… to the
one it bears on, and is labelled with the relation's words. Plain data in, safe markup out (format_html,
as in positions/pages/timeline.py); a node's full title is in its <title>, an unreviewed relation is
dashed and says so, and the page lists the same facts as text beside the graph.
"""

import textwrap
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from positions.vocabularies import RELATION_WORDS, ReviewState

WIDTH = 980
BOX_WIDTH = 220
BOX_HEIGHT = 58
ROW_HEIGHT = 74
TOP = 12
COLUMNS = (10, 380, 750)  # the left edge of the incoming, the proposal's and the outgoing column
LINE_CHARS = 30  # of a title on one line of a 220 px box at 12 px
LINES = 3

# A constant of our own, not text from outside: safe as written.
ARROW = mark_safe(
    '<defs><marker id="rel-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
    'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f2328"/></marker></defs>'
)


@dataclass(frozen=True)
class Node:
    title: str
    href: str


@dataclass(frozen=True)
class Edge:
    other: Node
    outgoing: bool  # the proposal bears on `other` (else `other` bears on the proposal)
    relation: str
    pending: bool


def edges_from(relations: list[dict], href) -> list[Edge]:
    """The graph's edges from a proposal's relations (selectors.proposal_relations' or its history's shape);
    `href(proposal_id)` is the other proposal's page."""
    return [
        Edge(
            Node(r["proposal"]["title"], href(r["proposal"]["id"])),
            r["direction"] == "outgoing",
            r["type"],
            r["review_state"] != ReviewState.APPROVED,
        )
        for r in relations
    ]


def relations_svg(*, title: str, edges: list[Edge]) -> SafeString:
    """The graph: the proposal in the middle, the proposals bearing on it left, those it bears on right."""
    incoming = [e for e in edges if not e.outgoing]
    outgoing = [e for e in edges if e.outgoing]
    rows = max(len(incoming), len(outgoing), 1)
    height = TOP * 2 + rows * ROW_HEIGHT
    middle = TOP + rows * ROW_HEIGHT / 2
    centre_y = middle - BOX_HEIGHT / 2
    parts = [ARROW, _box(Node(title, ""), COLUMNS[1], centre_y, main=True)]
    for column, side in ((0, incoming), (2, outgoing)):
        top = TOP + (rows - len(side)) * ROW_HEIGHT / 2  # each side centred on the proposal
        for index, edge in enumerate(side):
            y = top + index * ROW_HEIGHT + (ROW_HEIGHT - BOX_HEIGHT) / 2
            parts.append(_box(edge.other, COLUMNS[column], y, pending=edge.pending))
            parts.append(_arrow(edge, y + BOX_HEIGHT / 2, middle))
    words = "; ".join(_sentence(title, edge) for edge in edges) or "none recorded"
    # A side with no proposal takes no room: the graph is as wide as what it shows.
    left = 0 if incoming else COLUMNS[1] - COLUMNS[0]
    right = WIDTH if outgoing else COLUMNS[1] + BOX_WIDTH + COLUMNS[0]
    return format_html(
        '<svg class="relations-graph" viewBox="{} 0 {} {}" width="{}" height="{}" role="img" '
        'aria-labelledby="rel-title rel-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-family="system-ui, sans-serif" font-size="12">'
        '<title id="rel-title">{}</title><desc id="rel-desc">{}</desc>{}</svg>',
        left,
        right - left,
        round(height),
        right - left,
        round(height),
        f"Related proposals: {title}",
        f"Relations: {words}. The same facts are listed beside the graph as text.",
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def _sentence(title: str, edge: Edge) -> str:
    source, target = (title, edge.other.title) if edge.outgoing else (edge.other.title, title)
    return f"{source} {RELATION_WORDS[edge.relation][0]} {target}" + (" (unreviewed)" if edge.pending else "")


def _lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, LINE_CHARS) or [""]
    if len(lines) > LINES:
        lines = lines[:LINES]
        lines[-1] = lines[-1][: LINE_CHARS - 1].rstrip() + "…"
    return lines


def _box(node: Node, x: float, y: float, *, main: bool = False, pending: bool = False) -> SafeString:
    lines = _lines(node.title)
    first = y + BOX_HEIGHT / 2 - (len(lines) - 1) * 7 + 4
    text = format_html_join(
        "",
        '<tspan x="{}" y="{}">{}</tspan>',
        ((x + BOX_WIDTH / 2, round(first + i * 14, 1), line) for i, line in enumerate(lines)),
    )
    box = format_html(
        '<g class="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="#1f2328" '
        'stroke-width="{}"{}/><text text-anchor="middle" fill="#1f2328"{}>{}</text><title>{}</title></g>',
        "node node-main" if main else "node",
        x,
        round(y, 1),
        BOX_WIDTH,
        BOX_HEIGHT,
        "#e8eef6" if main else "#ffffff",
        2 if main else 1,
        mark_safe(' stroke-dasharray="5 3"') if pending else "",
        mark_safe(' font-weight="600"') if main else "",
        text,
        node.title,
    )
    return format_html('<a href="{}">{}</a>', node.href, box) if node.href else box


def _arrow(edge: Edge, y: float, middle: float) -> SafeString:
    """From the proposal that bears on the other to that other; the label sits by the outer box."""
    words = RELATION_WORDS[edge.relation][0] + (" (unreviewed)" if edge.pending else "")
    if edge.outgoing:
        x1, y1, x2, y2 = COLUMNS[1] + BOX_WIDTH, middle, COLUMNS[2], y
        label_x, anchor = COLUMNS[2] - 6, "end"
    else:
        x1, y1, x2, y2 = COLUMNS[0] + BOX_WIDTH, y, COLUMNS[1], middle
        label_x, anchor = COLUMNS[0] + BOX_WIDTH + 6, "start"
    return format_html(
        '<g class="edge edge-{}"><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1f2328" stroke-width="1.5" '
        'marker-end="url(#rel-arrow)"{}/><text x="{}" y="{}" text-anchor="{}" font-size="11" fill="#1f2328">{}</text>'
        "</g>",
        edge.relation,
        x1,
        round(y1, 1),
        x2,
        round(y2, 1),
        mark_safe(' stroke-dasharray="5 3"') if edge.pending else "",
        label_x,
        round(y - 8, 1),
        anchor,
        words,
    )
