"""The one CSV writer: no cell of any download is a formula, and the original text is one apostrophe away."""

import csv
import io
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given
from hypothesis import strategies as st

from positions.csv_writer import FORMULA_START, PREFIX, cell_safe, csv_lines
from positions.vocabularies import ReviewState
from tests import factories as f


def read(lines) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(lines))))


def original(cell: str) -> str:
    """What a reader does to get the text back: drop one leading apostrophe."""
    return cell[len(PREFIX) :] if cell.startswith(PREFIX) else cell


# Text as the web brings it: formula characters, quotes, separators and line breaks, anywhere.
TEXT = st.text(alphabet=st.sampled_from([*FORMULA_START, PREFIX, '"', ",", "\n", " ", "a", "1", "é"]) | st.characters())


@given(st.lists(TEXT, min_size=1, max_size=6))
def test_it_reads_back_every_text_with_no_cell_a_formula(texts):
    [_header, row] = read(csv_lines(["h"] * len(texts), [texts]))
    assert [original(cell) for cell in row] == texts
    for cell, text in zip(row, texts, strict=True):
        assert not cell.startswith(FORMULA_START)
        if text.startswith((*FORMULA_START, PREFIX)):
            assert cell == PREFIX + text


@given(st.integers(min_value=0) | st.floats(min_value=0, allow_nan=False, allow_infinity=False))
def test_it_writes_numbers_as_they_are(number):
    assert cell_safe(number) == number
    [line] = list(csv_lines([], [(number,)]))[1:]
    assert line == f"{number!r}\r\n"  # bare: a spreadsheet keeps a number a number


def test_it_quotes_each_neutralised_text():
    [_header, line] = csv_lines(["quote", "n"], [("=1+2", 3)])
    assert line == '"\'=1+2",3\r\n'


# --- every download the project serves ------------------------------------------------------------

# A hostile text per column: each begins with a character a spreadsheet would evaluate.
HOSTILE = {
    "party": "=Party+1",
    "proponent": "+Proponent",
    "speaker": "@Speaker",
    "addressee": "-Addressee",
    "quote": '=HYPERLINK("http://x.example/","click") Russia demands guarantees',
    "proposal": "\t=Proposal()",
    "issue_title": "\r=Issue",
    "document_title": "-2+3 in the title",
    "publisher": "@SUM(A1:A9)",
    "cue": "=cue",
}
# Which download shows which hostile text in which column.
STATEMENT_TEXTS = {
    "speaker": "speaker",
    "party": "party",
    "addressee": "addressee",
    "quote": "quote",
    "document_title": "document_title",
    "publisher": "publisher",
    "cue": "cue",
}
EXPECTED = {
    "api-export-statements": STATEMENT_TEXTS,
    "api-export-events": {"source_actor": "speaker", "source_party": "party", "target": "addressee", "quote": "quote"},
    "pages:search-csv": STATEMENT_TEXTS,
    "pages:matrix-csv": {
        "issue_title": "issue_title",
        "proposal": "proposal",
        "proponent": "proponent",
        "party": "party",
        "latest_speaker": "speaker",
        "latest_quote": "quote",
    },
    "pages:changes-csv": {"proposal": "proposal", "party": "party"},
    "pages:codebook-csv": {"label": "party"},
    # an issue's positions month by month: the parties that spoke to it, by name
    "pages:issue-positions-csv": {"party": "party"},
    "api-export-issue-positions": {"party": "party"},  # its parties' names (the examples are approved statements only)
    "pages:proposal-csv": {
        "party": "party",
        "speaker": "speaker",
        "quote": "quote",
        "document_title": "document_title",
        "publisher": "publisher",
    },
}


def csv_routes(resolver=None, namespace: str = "") -> set[str]:
    """The name of every route of the site that serves a .csv."""
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= csv_routes(entry, inner)
        elif isinstance(entry, URLPattern) and ".csv" in str(entry.pattern).replace("\\", ""):
            names.add(f"{namespace}{entry.name}")
    return names


def test_the_test_below_covers_every_csv_route():
    assert csv_routes() == set(EXPECTED)


@pytest.fixture
def hostile(db):
    negotiation = f.negotiation(started=date(2009, 1, 1))
    party, proponent = f.party(name=HOSTILE["party"]), f.party(name=HOSTILE["proponent"])
    negotiation.parties.add(party, proponent)
    issue = f.issue(negotiation=negotiation, title=HOSTILE["issue_title"])
    proposal = f.proposal(negotiation=negotiation, issue=issue, proponent=proponent, title=HOSTILE["proposal"])
    text = f"Before. {HOSTILE['quote']} After."
    document = f.document(text=text, title=HOSTILE["document_title"], publisher=HOSTILE["publisher"])
    start = text.index(HOSTILE["quote"])
    statement = f.statement(
        document=document,
        start=start,
        end=start + len(HOSTILE["quote"]),
        speaker=f.actor(name=HOSTILE["speaker"], review_state=ReviewState.PENDING),
        party=party,
        addressee=f.party(name=HOSTILE["addressee"]),
        cue=HOSTILE["cue"],
        proposal=proposal,
        said_on=date(2011, 12, 6),
        review_state=ReviewState.PENDING,  # pending statements are public
    )
    statement.topics.add(issue)
    f.stance(proposal=proposal, party=party, effective=date(2011, 12, 6)).evidence.add(statement)
    f.status_change(proposal=proposal, effective=date(2011, 12, 6)).evidence.add(statement)
    return {
        "api-export-statements": ("/api/v1/exports/statements.csv", {}),
        "api-export-events": ("/api/v1/exports/events.csv", {}),
        "pages:search-csv": ("/search.csv", {"party": party.slug}),
        "pages:matrix-csv": (f"/negotiations/{negotiation.slug}/matrix.csv", {"as_of": "2012-01-01"}),
        "pages:changes-csv": (
            f"/negotiations/{negotiation.slug}/changes.csv",
            {"from": "2011-01-01", "to": "2012-01-01"},
        ),
        "pages:proposal-csv": (f"/proposals/{proposal.id}/evidence.csv", {}),
        "pages:codebook-csv": ("/codebook.csv", {}),
        "pages:issue-positions-csv": (
            f"/negotiations/{negotiation.slug}/issues/{issue.key}/positions.csv",
            {"as_of": "2012-01-01"},
        ),
        "api-export-issue-positions": (
            "/api/v1/exports/issue-positions.csv",
            {"negotiation": negotiation.slug, "issue": issue.key, "as_of": "2012-01-01"},
        ),
    }


@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_every_csv_neutralises_each_hostile_text(client, unthrottled, hostile, route):
    url, params = hostile[route]
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = read([body.decode("utf-8")])
    assert len(rows) > 1, "no rows: the test would prove nothing"
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
    header = rows[0]
    for column, key in EXPECTED[route].items():
        cells = {row[header.index(column)] for row in rows[1:]}
        assert PREFIX + HOSTILE[key] in cells, (column, cells)  # csv reads the original after the prefix
