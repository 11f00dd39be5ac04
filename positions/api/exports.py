"""CSV downloads of statements: a tidy table and CAMEO-style event data, streamed row by row.

Both take the statement list's filters (positions/filters.py). The query and its columns are the
selectors' (`statements_table`), shared with the search page's download: one query whatever the
size, topics aggregated in SQL, rows from a server-side cursor in chunks, so memory stays flat
however many statements match. Cells go through the project's one CSV writer (positions/csv_writer.py).
"""

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

from positions.api.errors import ErrorSerializer
from positions.api.permissions import is_curator
from positions.csv_writer import csv_response
from positions.filters import StatementFilter
from positions.models import Statement
from positions.selectors import (
    EVENT_COLUMNS,
    EXPORT_CHUNK_SIZE,
    STATEMENT_COLUMNS,
    statements_table,
    statements_visible,
)

# Rows per fetch from the server-side cursor of the exports' query (positions/selectors.py).
CHUNK_SIZE = EXPORT_CHUNK_SIZE

CSV_OK = OpenApiResponse(
    OpenApiTypes.STR,
    description="CSV (UTF-8, header row, one row per statement, ordered by said_on then id), "
    "streamed as an attachment. Text cells are quoted; one that begins with =, +, -, @, a tab, a carriage "
    "return or ' is written with a leading ' (so that no spreadsheet takes it for a formula).",
)
CSV_ERRORS = {(400, "application/json"): OpenApiResponse(ErrorSerializer, description="A filter value is not valid.")}


def statements_csv(matching: QuerySet[Statement], *, columns: list[tuple], curator: bool, filename: str):
    """Stream `columns` for each matching statement."""
    headers, rows = statements_table(matching=matching, columns=columns, curator=curator, chunk_size=CHUNK_SIZE)
    return csv_response(headers, rows, filename=filename, stream=True)


class FixedContentNegotiation(BaseContentNegotiation):
    """The CSV is the CSV whatever Accept says; errors are JSON (the API's error format)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class StatementsExport(GenericAPIView):
    """Validate the filters, then stream `columns` for the matching statements a reader may see."""

    columns: list[tuple] = []
    filename = ""
    filter_backends = [DjangoFilterBackend]  # the statement filters, without ordering: the order is fixed
    filterset_class = StatementFilter
    pagination_class = None
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FixedContentNegotiation

    def get_queryset(self):
        return statements_visible(curator=is_curator(self.request.user))

    def stream(self) -> StreamingHttpResponse:
        # DjangoFilterBackend raises a ValidationError (400, the error format) on a bad value.
        matching = self.filter_queryset(self.get_queryset())
        curator = is_curator(self.request.user)
        return statements_csv(matching, columns=self.columns, curator=curator, filename=self.filename)


class StatementsCSVView(StatementsExport):
    columns = STATEMENT_COLUMNS
    filename = "statements.csv"

    @extend_schema(
        operation_id="exports_statements_csv",
        tags=["exports"],
        summary="Statements as a tidy CSV table",
        description="One row per statement with its document, speaker, party, addressee, kind, CAMEO root "
        "code, topics (issue keys joined with ';') and provenance. Takes the statement list's filters. "
        "Rejected statements, and the names of rejected speakers, are left out unless the reader is a curator. "
        "Columns: " + ", ".join(header for header, _ in STATEMENT_COLUMNS) + ".",
        filters=True,
        responses={(200, "text/csv"): CSV_OK, **CSV_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return self.stream()


class EventsCSVView(StatementsExport):
    columns = EVENT_COLUMNS
    filename = "events.csv"

    @extend_schema(
        operation_id="exports_events_csv",
        tags=["exports"],
        summary="Statements as event data (CAMEO root codes)",
        description="Event-data coding, one row per statement: source actor (the speaker, else the party), "
        "source party, target (the addressee, empty if unknown), CAMEO root code of the kind as two "
        "digits. Takes the statement list's filters; rejected statements, and the names of rejected speakers, are "
        "left out unless the reader is a curator. Columns: " + ", ".join(header for header, _ in EVENT_COLUMNS) + ".",
        filters=True,
        responses={(200, "text/csv"): CSV_OK, **CSV_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return self.stream()
