"""Resource endpoints: thin viewsets that read through selectors and write through services."""

from datetime import date

from django.db import IntegrityError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from positions import selectors
from positions.api import filters
from positions.api import serializers as out
from positions.api.answers import NOT_MODIFIED, AnsweredList, answer
from positions.api.errors import ErrorSerializer
from positions.api.pagination import LongListPagination
from positions.api.permissions import CanAddDocuments, CanReview, CuratorOnly, is_curator
from positions.api.plain import represented
from positions.api.query import DayField, as_of_or_default, as_of_parameter
from positions.filters import StatementFilter
from positions.models import (
    Actor,
    Document,
    IngestRun,
    Issue,
    Item,
    Negotiation,
    Party,
    Proposal,
    Role,
    Source,
    Stance,
    StatusChange,
)
from positions.services import curation
from positions.services.ingest import upload_store
from positions.vocabularies import ReviewState

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="The request is not valid."),
    404: OpenApiResponse(ErrorSerializer, description="No such item (or not public)."),
}
WRITE_ERRORS = {
    **ERRORS,
    401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed: curators only."),
}
AS_OF = as_of_parameter(
    "Status and stances in force on this date; for a list, the default is that of its `negotiation` filter "
    "(today without one)"
)


class AsOfQuerySerializer(serializers.Serializer):
    as_of = DayField(required=False)


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    """Lists and details; every list is paginated (page, page_size up to 100)."""


@extend_schema_view(list=extend_schema(responses={200: out.NegotiationSerializer, **ERRORS}))
class NegotiationViewSet(ReadOnly):
    queryset = Negotiation.objects.prefetch_related("parties").order_by("title")
    serializer_class = out.NegotiationSerializer
    lookup_field = "slug"
    ordering_fields = ["title", "started"]


class IssueViewSet(ReadOnly):
    queryset = Issue.objects.select_related("negotiation", "parent").order_by("negotiation__slug", "key")
    serializer_class = out.IssueSerializer
    filterset_class = filters.IssueFilter
    ordering_fields = ["key", "title"]


class PartyViewSet(ReadOnly):
    queryset = Party.objects.order_by("name")
    serializer_class = out.PartySerializer
    lookup_field = "slug"
    filterset_fields = ["kind"]
    ordering_fields = ["name"]


class ActorViewSet(ReadOnly):
    serializer_class = out.ActorSerializer
    lookup_field = "slug"
    filterset_class = filters.ActorFilter
    ordering_fields = ["name"]

    def get_queryset(self):
        roles = Prefetch("roles", queryset=Role.objects.select_related("party").order_by("start"))
        actors = Actor.objects.prefetch_related(roles).order_by("name").distinct()
        return actors if is_curator(self.request.user) else actors.exclude(review_state=ReviewState.REJECTED)


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF]),
    retrieve=extend_schema(parameters=[AS_OF]),
)
class ProposalViewSet(ReadOnly):
    """Proposals with their status and each party's stance as of a date."""

    queryset = Proposal.objects.select_related("negotiation", "issue", "proponent").order_by(
        "negotiation__slug", "issue__key", "first_stated", "title"
    )
    serializer_class = out.ProposalSerializer
    filterset_class = filters.ProposalFilter
    ordering_fields = ["first_stated", "title"]

    def _as_of(self, negotiation: Negotiation | None) -> date:
        query = AsOfQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return as_of_or_default(query.validated_data.get("as_of"), negotiation=negotiation)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("statuses", {})
        context.setdefault("stances", {})
        context.setdefault("deadlines", {})
        return context

    def _with_positions(self, proposals: list[Proposal], as_of: date) -> dict:
        # Three queries for the whole page, whatever its size.
        statuses = {c.proposal_id: c for c in selectors.status_runs_as_of(as_of=as_of, proposals=proposals)}
        stances = selectors.stance_runs_as_of(as_of=as_of, proposals=proposals)
        by_proposal: dict[int, list] = {}
        for stance in sorted(stances, key=lambda s: s.party.name):
            by_proposal.setdefault(stance.proposal_id, []).append(stance)
        deadlines: dict[int, list] = {}
        for entry in selectors.deadlines_as_of(as_of=as_of, proposals=proposals, statuses=statuses):
            deadlines.setdefault(entry["proposal"]["id"], []).append(entry)
        return {
            **self.get_serializer_context(),
            "statuses": statuses,
            "stances": by_proposal,
            "deadlines": deadlines,
        }

    def list(self, request, *args, **kwargs):
        proposals = self.filter_queryset(self.get_queryset())  # a bad filter value is a 400 here
        slug = request.query_params.get("negotiation")
        as_of = self._as_of(selectors.negotiation_by_slug(slug=slug) if slug else None)
        page = self.paginate_queryset(proposals)
        data = out.ProposalSerializer(page, many=True, context=self._with_positions(page, as_of)).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        proposal = self.get_object()
        context = self._with_positions([proposal], self._as_of(proposal.negotiation))
        return Response(out.ProposalSerializer(proposal, context=context).data)


class ReviewActions:
    """approve / reject as explicit actions (POST, no body), for those who may change the model."""

    @extend_schema(request=None, responses={200: OpenApiResponse(description="The item, reviewed."), **WRITE_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[CanReview])
    def approve(self, request, pk=None):
        return self._review(ReviewState.APPROVED)

    @extend_schema(request=None, responses={200: OpenApiResponse(description="The item, reviewed."), **WRITE_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[CanReview])
    def reject(self, request, pk=None):
        return self._review(ReviewState.REJECTED)

    def _review(self, state: str):
        row = self.get_object()
        curation.review_set(row=row, state=state, user=self.request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)


class WritableMixin(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create (POST) and correct (PATCH) through a write serializer; the answer is the read form."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    write_serializer_class: type[serializers.Serializer]

    def _write(self, row, data):
        try:
            return self.perform_write(row, data)
        except IntegrityError as exc:
            constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "") or "a rule"
            raise ValidationError({"non_field_errors": [f"This conflicts with a stored row ({constraint})."]}) from None

    def create(self, request, *args, **kwargs):
        incoming = self.write_serializer_class(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        row = self._write(None, dict(incoming.validated_data))
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        row = self.get_object()
        incoming = self.write_serializer_class(
            row, data=request.data, partial=True, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        self._write(row, dict(incoming.validated_data))
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


@extend_schema_view(
    create=extend_schema(
        request=out.StatementWriteSerializer, responses={201: out.StatementSerializer, **WRITE_ERRORS}
    ),
    partial_update=extend_schema(
        request=out.StatementWriteSerializer, responses={200: out.StatementSerializer, **WRITE_ERRORS}
    ),
    list=extend_schema(
        description="Statements, filtered, searched (`q`) and paged. A page is answered once per data version: "
        "every 200 carries an ETag (with Cache-Control: no-cache) naming the URL as asked, who asks (curators see "
        "rejected statements), the format and the data version; send it back in If-None-Match for a 304.",
        responses={200: out.StatementSerializer, 304: NOT_MODIFIED, **ERRORS},
    ),
    retrieve=extend_schema(responses={200: out.StatementSerializer, **ERRORS}),
)
class StatementViewSet(AnsweredList, ReviewActions, WritableMixin, ReadOnly):
    """Statements, filtered and searched; rejected ones are for curators only. The list (and search) is a
    cached answer (positions/api/answers.py); writes and reviews move the data version, as any write does."""

    serializer_class = out.StatementSerializer
    write_serializer_class = out.StatementWriteSerializer
    filterset_class = StatementFilter
    pagination_class = LongListPagination
    ordering_fields = ["said_on", "id", "confidence"]
    ordering = ["said_on", "id"]

    def get_queryset(self):
        return selectors.statements_visible(curator=is_curator(self.request.user))

    def list(self, request, *args, **kwargs):
        # Past selectors.COUNT_CAP the count is the planner's estimate as of the answer's build.
        return answer(request, self.question(request), self._listed, page_cached=False)

    def _listed(self) -> dict:
        # DRF's ListModelMixin.list, its page read as plain entries (page_entries) and written by the serializer's
        # plan (plain.represented): the same answer without a model instance and DRF's field calls per value.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([represented(out.StatementSerializer, entry) for entry in page]).data

    def page_entries(self, rows, ids: "list[int]") -> "list[dict]":  # (`list` here is the action)
        """The rows of a page of the list (LongListPagination), as selectors.statement_entries reads them."""
        return selectors.statement_entries(ids=ids, curator=is_curator(self.request.user))

    def question(self, request, *args, **kwargs) -> tuple:
        # Named by the URL whole: the page's links are absolute (scheme, host, path and query as asked).
        return ("statements", is_curator(request.user), request.build_absolute_uri())

    def perform_write(self, statement, data):
        if statement is None:
            return curation.statement_create(data=data, user=self.request.user)
        return curation.statement_correct(statement=statement, data=data, user=self.request.user)


class RecordedViewSet(ReviewActions, WritableMixin, ReadOnly):
    model: type[Stance] | type[StatusChange]
    ordering_fields = ["effective", "recorded_at", "id"]
    ordering = ["effective", "id"]

    def get_queryset(self):
        rows = selectors.rows_visible(self.model, curator=is_curator(self.request.user))
        return rows.select_related(*self.related).prefetch_related("evidence")

    def perform_write(self, row, data):
        if row is None:
            return curation.recorded_create(model=self.model, data=data, user=self.request.user)
        return curation.recorded_correct(row=row, data=data, user=self.request.user)


@extend_schema_view(
    create=extend_schema(request=out.StanceWriteSerializer, responses={201: out.StanceSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(
        request=out.StanceWriteSerializer, responses={200: out.StanceSerializer, **WRITE_ERRORS}
    ),
)
class StanceViewSet(RecordedViewSet):
    model = Stance
    related = ["party", "recorded_by"]
    serializer_class = out.StanceSerializer
    write_serializer_class = out.StanceWriteSerializer
    filterset_class = filters.StanceFilter


@extend_schema_view(
    create=extend_schema(
        request=out.StatusChangeWriteSerializer, responses={201: out.StatusChangeSerializer, **WRITE_ERRORS}
    ),
    partial_update=extend_schema(
        request=out.StatusChangeWriteSerializer, responses={200: out.StatusChangeSerializer, **WRITE_ERRORS}
    ),
)
class StatusChangeViewSet(RecordedViewSet):
    model = StatusChange
    related = ["recorded_by"]
    serializer_class = out.StatusChangeSerializer
    write_serializer_class = out.StatusChangeWriteSerializer
    filterset_class = filters.StatusChangeFilter


class DocumentViewSet(ReadOnly):
    """Documents; the detail carries the text and the statements in it."""

    queryset = Document.objects.select_related("source").order_by("-published", "id")
    filterset_class = filters.DocumentFilter
    ordering_fields = ["published", "id"]

    def get_serializer_class(self):
        return out.DocumentDetailSerializer if self.action == "retrieve" else out.DocumentSerializer

    @extend_schema(
        request={"multipart/form-data": out.UploadSerializer},
        responses={
            202: out.UploadAcceptedSerializer,
            **WRITE_ERRORS,
            415: OpenApiResponse(ErrorSerializer, description="The body is not multipart/form-data it can read."),
        },
        description="Accept .txt, .html or PDF files for ingest: they are stored and a worker reads them. "
        "Answers 202 with one item per file; poll its status_url (GET /api/v1/ingest-items/{id}) until `done`. "
        "Files over the size cap and binary files (images, archives, executables) are refused with 400.",
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser], permission_classes=[CanAddDocuments])
    def upload(self, request):
        incoming = out.UploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        upload = upload_store(files=[(f.name, f.read()) for f in incoming.validated_data["files"]], trigger="api")
        data = out.UploadAcceptedSerializer(upload, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        statements = selectors.statements_visible(curator=is_curator(request.user)).filter(document=document)
        context = {**self.get_serializer_context(), "statements": statements.order_by("start", "id")}
        return Response(out.DocumentDetailSerializer(document, context=context).data)


@extend_schema(responses={200: out.SourceSerializer, **WRITE_ERRORS})
class SourceViewSet(ReadOnly):
    """Sources with their health: curators only."""

    queryset = Source.objects.order_by("name")
    serializer_class = out.SourceSerializer
    permission_classes = [CuratorOnly]
    filterset_fields = ["kind", "is_active"]


@extend_schema(responses={200: out.IngestRunSerializer, **WRITE_ERRORS})
class IngestRunViewSet(ReadOnly):
    """Ingest runs with their counts and errors: curators only."""

    queryset = IngestRun.objects.select_related("source").order_by("-started_at")
    serializer_class = out.IngestRunSerializer
    permission_classes = [CuratorOnly]
    filterset_class = filters.IngestRunFilter


@extend_schema(responses={200: out.ItemSerializer, **WRITE_ERRORS})
class ItemViewSet(ReadOnly):
    """Ingest items and their state (pending, processing, done, duplicate, no_text, failed with its
    stage and error): where an upload's status_url points. Curators only."""

    queryset = Item.objects.select_related("source").order_by("-created_at", "-id")
    serializer_class = out.ItemSerializer
    permission_classes = [CuratorOnly]
    filterset_class = filters.ItemFilter
