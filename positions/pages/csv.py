"""CSV downloads of what a page shows: the matrix, the changes, a proposal's evidence, search results.

The statement search streams the selectors' export query (`statements_table`), the one behind
/api/v1/exports/statements.csv, so a student's download from the page and from the API have the
same shape. Every cell goes through the project's one CSV writer (positions/csv_writer.py), which
keeps a formula a text.
"""

from django.http import HttpResponse, StreamingHttpResponse

from positions import selectors
from positions.csv_writer import csv_response

MATRIX_HEADERS = [
    "as_of",
    "issue",
    "issue_title",
    "proposal_id",
    "proposal",
    "proponent",
    "kind",
    "first_stated",
    "status",
    "status_since",
    "party",
    "stance",
    "stance_since",
    "stance_last_stated",
    "review_state",
    "evidence_statements",
    "latest_statement_id",
    "latest_said_on",
    "latest_speaker",
    "latest_quote",
    "document_id",
    "document_url",
]


def matrix_csv(comparison: dict, issues: dict, parties: list, *, filename: str) -> HttpResponse:
    """One row per (proposal, party) cell, as on the page."""
    names = {party.slug: party.name for party in parties}
    rows = []
    for p in comparison["proposals"]:
        status = p["status"] or {}
        issue = issues.get(p["issue"])
        for cell in p["cells"]:
            latest = cell["latest_statement"] or {}
            rows.append(
                (
                    comparison["as_of"],
                    p["issue"],
                    issue.title if issue else "",
                    p["id"],
                    p["title"],
                    p["proponent"]["name"],
                    p["kind"],
                    p["first_stated"],
                    status.get("status"),
                    status.get("since"),
                    names.get(cell["party"], cell["party"]),
                    cell["stance"],
                    cell["since"],
                    cell["last_stated"],
                    cell["review_state"],
                    cell["statements"],
                    latest.get("id"),
                    latest.get("said_on"),
                    latest.get("speaker"),
                    latest.get("quote"),
                    latest.get("document"),
                    latest.get("url"),
                )
            )
    return csv_response(MATRIX_HEADERS, rows, filename=filename)


CHANGES_HEADERS = ["date", "type", "proposal_id", "proposal", "party", "previous", "value", "review_state", "evidence"]


def changes_csv(changes: list[dict], *, filename: str) -> HttpResponse:
    rows = (
        (
            c["date"],
            c["type"],
            c["proposal"]["id"],
            c["proposal"]["title"],
            c["party"]["name"] if c["party"] else "",
            c["previous"],
            c["value"],
            c["review_state"],
            ";".join(str(i) for i in c["evidence"]),
        )
        for c in changes
    )
    return csv_response(CHANGES_HEADERS, rows, filename=filename)


EVIDENCE_HEADERS = [
    "date",
    "type",
    "party",
    "value",
    "since",
    "restatement",
    "review_state",
    "statement_id",
    "said_on",
    "speaker",
    "speaker_party",
    "kind",
    "quote",
    "document_id",
    "document_title",
    "publisher",
    "document_url",
]


def evidence_csv(history: dict, *, filename: str) -> HttpResponse:
    """One row per (event, evidence statement); an event without evidence still gets a row."""
    rows = []
    for e in history["events"]:
        party = e["party"]["name"] if e["party"] else ""
        head = (e["date"], e["type"], party, e["value"], e["since"], e["restatement"], e["review_state"])
        for s in e["evidence"] or [None]:
            if s is None:
                rows.append(head + ("",) * 10)
                continue
            doc = s["document"]
            said = (s["id"], s["said_on"], s["speaker"], s["party"], s["kind"], s["quote"])
            rows.append((*head, *said, doc["id"], doc["title"], doc["publisher"], doc["url"]))
    return csv_response(EVIDENCE_HEADERS, rows, filename=filename)


def statements_csv(matching, *, filename: str) -> StreamingHttpResponse:
    """Every statement the search matches (not just the page shown), streamed like the API export."""
    headers, rows = selectors.statements_table(matching=matching, curator=False)
    return csv_response(headers, rows, filename=filename, stream=True)


def issue_positions_csv(found: dict, *, filename: str) -> HttpResponse:
    """An issue's positions and salience per party and month: the API's tidy table (ISSUE_POSITION_HEADERS)."""
    return csv_response(selectors.ISSUE_POSITION_HEADERS, selectors.issue_positions_rows(found), filename=filename)
