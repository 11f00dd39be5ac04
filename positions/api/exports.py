"""CSV downloads of statements: a tidy table and CAMEO-style event data, streamed row by row.

Both take the statement list's filters. One query whatever the size: topics are aggregated
in SQL and rows come from a server-side cursor in chunks, so memory stays flat however many
statements match. Cells go through the project's one CSV writer (positions/csv_writer.py).
"""

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Case, CharField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

from positions.api.errors import ErrorSerializer
from positions.api.filters import StatementFilter
from positions.api.permissions import is_curator
from positions.csv_writer import csv_response
from positions.models import Statement
from positions.selectors import statements_rows, statements_visible
from positions.vocabularies import CAMEO_ROOT

CHUNK_SIZE = 2000  # rows per fetch from the server-side cursor

CAMEO = Case(
    *(When(kind=kind, then=Value(code)) for kind, code in CAMEO_ROOT.items()),
    default=Value(""),
    output_field=CharField(),
)
# A correlated subquery, not a join: a join would be narrowed by a `topic=` filter on the same
# relation, and the row would list only the topic asked for.
TOPIC_KEYS = Subquery(
    Statement.topics.through.objects.filter(statement_id=OuterRef("pk"))
    .values("statement_id")
    .annotate(keys=StringAgg("issue__key", delimiter=";", order_by="issue__key"))
    .values("keys"),
    output_field=CharField(),
)

# (header, what the database returns for it). csv writes None as "" and a date as
# str(date), which is its ISO form. The speaker is `shown_speaker`: the one the reader may see.
STATEMENT_COLUMNS = [
    ("statement_id", "id"),
    ("said_on", "said_on"),
    ("said_precision", "said_precision"),
    ("document_id", "document_id"),
    ("document_url", "document__url"),
    ("document_title", "document__title"),
    ("publisher", "document__publisher"),
    ("published", "document__published"),
    ("speaker_id", "shown_speaker__id"),
    ("speaker", "shown_speaker__name"),
    ("party_id", "party_id"),
    ("party", "party__name"),
    ("addressee", "addressee__name"),
    ("mode", "mode"),
    ("cue", "cue"),
    ("kind", "kind"),
    ("cameo", CAMEO),
    ("topics", TOPIC_KEYS),
    ("proposal_id", "proposal_id"),
    ("confidence", "confidence"),
    ("review_state", "review_state"),
    ("extractor_version", "extractor_version"),
    ("start", "start"),
    ("end", "end"),
    ("quote", "quote"),
]
EVENT_COLUMNS = [
    ("event_id", "id"),
    ("date", "said_on"),
    ("source_actor", Coalesce("shown_speaker__name", "party__name")),
    ("source_party", "party__name"),
    ("target", "addressee__name"),
    ("cameo_code", CAMEO),
    ("kind", "kind"),
    ("quote", "quote"),
    ("url", "document__url"),
    ("document_id", "document_id"),
]

CSV_OK = OpenApiResponse(
    OpenApiTypes.STR,
    description="CSV (UTF-8, header row, one row per statement, ordered by said_on then id), "
    "streamed as an attachment. Text cells are quoted; one that begins with =, +, -, @, a tab, a carriage "
    "return or ' is written with a leading ' (so that no spreadsheet takes it for a formula).",
)
CSV_ERRORS = {(400, "application/json"): OpenApiResponse(ErrorSerializer, description="A filter value is not valid.")}


def statements_csv(matching: QuerySet[Statement], *, columns: list[tuple], curator: bool, filename: str):
    """Stream `columns` for each matching statement: the API's exports and the search page's download."""
    rows = statements_rows(matching=matching, fields=[source for _, source in columns], curator=curator)
    headers = [header for header, _ in columns]
    return csv_response(headers, rows.iterator(chunk_size=CHUNK_SIZE), filename=filename, stream=True)


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
