"""The read-only views students compare with: the matrix as of a date, what changed, a proposal's timeline
and its relations to other proposals.

Each view validates its query with a small input serializer, calls one selector and writes the
result through an output serializer whose explicit fields are the OpenAPI schema (compare's as known and
history's by `plain.represented`: the same output without DRF's per-field work on its thousands of values).
Compare as now known is written straight from its one query's rows (`_comparison_written`), the same bytes
as CompareSerializer's; compare and history are rendered by orjson where it writes DRF's bytes (renderers.py).
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.renderers import BrowsableAPIRenderer

from positions import selectors
from positions.api.answers import NOT_MODIFIED, AnswerView, answer, asked
from positions.api.errors import ErrorSerializer
from positions.api.permissions import is_curator
from positions.api.plain import represented
from positions.api.query import DayField, KnownAtField, as_of_or_default, as_of_parameter, known_at_parameter
from positions.api.renderers import PlainJSONRenderer
from positions.api.serializers import DeadlineAsOfSerializer
from positions.vocabularies import (
    RELATION_MEANINGS,
    DatePrecision,
    ProposalKind,
    ProposalStatus,
    RelationType,
    ReviewState,
    StanceValue,
    StatementKind,
)

ERRORS = {304: NOT_MODIFIED, 400: ErrorSerializer, 404: ErrorSerializer}


class _DateRangeFields:
    # The date fields `from` and `to`, which a class body cannot spell, go after the negotiation.

    def get_fields(self):
        negotiation, *rest = super().get_fields().items()
        dates = {
            "from": DayField(help_text="Changes after this day (YYYY-MM-DD)."),
            "to": DayField(help_text="Changes up to and including this day (YYYY-MM-DD)."),
        }
        return {negotiation[0]: negotiation[1], **dates, **dict(rest)}


# --- input -------------------------------------------------------------------------------------


class CompareQuerySerializer(serializers.Serializer):
    """?negotiation=&as_of=&known_at=&parties=&approved_only=; `parties` becomes a list of slugs."""

    negotiation = serializers.CharField(max_length=100)
    as_of = DayField(required=False)
    known_at = KnownAtField(required=False, allow_null=True, default=None)
    parties = serializers.CharField(required=False, max_length=2000)
    approved_only = serializers.BooleanField(required=False, default=False)

    def validate_parties(self, value: str) -> list[str]:
        slugs = list(dict.fromkeys(s.strip() for s in value.split(",") if s.strip()))
        if not slugs:
            raise serializers.ValidationError("Name at least one party slug.")
        return slugs


class HistoryQuerySerializer(serializers.Serializer):
    """?known_at=."""

    known_at = KnownAtField(required=False, allow_null=True, default=None)


class ChangesQuerySerializer(_DateRangeFields, serializers.Serializer):
    """?negotiation=&from=&to=&known_at=, from <= to."""

    negotiation = serializers.CharField(max_length=100)
    known_at = KnownAtField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["Must be on or after `from`."]})
        return attrs


# --- output ------------------------------------------------------------------------------------


def _choice(choices, **kw) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, **kw)


class ComparisonPartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class CompareStatusSerializer(serializers.Serializer):
    status = _choice(ProposalStatus.choices)
    since = serializers.DateField(
        help_text="The day this status began: the first of the uninterrupted rows that give it, not the last."
    )
    review_state = _choice(ReviewState.choices)


class CompareStatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quote = serializers.CharField()
    said_on = serializers.DateField()
    speaker = serializers.CharField(allow_null=True, help_text="The speaker's name.")
    url = serializers.CharField(help_text="The document's URL (may be empty).")
    document = serializers.IntegerField(help_text="The document's id.")


class CompareCellSerializer(serializers.Serializer):
    party = serializers.CharField(help_text="The party's slug.")
    stance = _choice(StanceValue.choices, allow_null=True)
    since = serializers.DateField(
        allow_null=True,
        help_text="The day the stance began: the first of the uninterrupted rows that give it (a restatement "
        "adds evidence, it does not move this date).",
    )
    last_stated = serializers.DateField(
        allow_null=True,
        help_text="When the stance was last stated: the latest said_on of its evidence since `since`, or the "
        "day of its latest row when none has evidence.",
    )
    review_state = _choice(ReviewState.choices, allow_null=True, help_text="The review state of its latest row.")
    statements = serializers.IntegerField(help_text="How many evidence statements ground the stance since `since`.")
    latest_statement = CompareStatementSerializer(
        allow_null=True,
        help_text="The statement shown first: the latest by the party's own speakers, else the latest by others.",
    )


class CompareProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    issue = serializers.CharField(help_text="The issue's key.")
    proponent = ComparisonPartySerializer()
    kind = _choice(ProposalKind.choices)
    first_stated = serializers.DateField()
    status = CompareStatusSerializer(allow_null=True)
    deadlines = DeadlineAsOfSerializer(many=True, help_text="Its target dates set by `as_of`, by due day.")
    overdue = serializers.BooleanField(help_text="Whether any of its deadlines is overdue on `as_of`.")
    cells = CompareCellSerializer(many=True, help_text="One per party, in the order of `parties`.")


class CompareSerializer(serializers.Serializer):
    """The comparison matrix: proposals tabled by `as_of` × parties."""

    negotiation = serializers.CharField(help_text="The negotiation's slug.")
    as_of = serializers.DateField()
    known_at = serializers.DateTimeField(
        allow_null=True, help_text="The moment whose record answered (from `known_at`); null: the record as it is now."
    )
    parties = ComparisonPartySerializer(many=True)
    proposals = CompareProposalSerializer(many=True)


class ChangesProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day the change took effect.")
    type = _choice(["status", "stance"])
    proposal = ChangesProposalSerializer()
    party = ComparisonPartySerializer(allow_null=True, help_text="None for a status change.")
    value = serializers.CharField(help_text="The new status or stance.")
    previous = serializers.CharField(
        allow_null=True, help_text="The value in force the day before; never `value` (a restatement is no change)."
    )
    review_state = _choice(ReviewState.choices)
    evidence = serializers.ListField(child=serializers.IntegerField(), help_text="Statement ids.")


class ChangeSummarySerializer(serializers.Serializer):
    proposal = serializers.IntegerField(help_text="The proposal's id.")
    party = serializers.CharField(allow_null=True, help_text="The party's slug; None for the status.")
    before = serializers.CharField(allow_null=True, help_text="In force on `from`.")
    after = serializers.CharField(allow_null=True, help_text="In force on `to`.")


class ChangesSerializer(_DateRangeFields, serializers.Serializer):
    """The changes after `from` up to `to`, and the values in force on `from` that differ on `to`."""

    negotiation = serializers.CharField(help_text="The negotiation's slug.")
    known_at = serializers.DateTimeField(
        allow_null=True, help_text="The moment whose record answered (from `known_at`); null: the record as it is now."
    )
    changes = ChangeSerializer(many=True)
    summary = ChangeSummarySerializer(many=True)


class HistoryDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    publisher = serializers.CharField()
    published = serializers.DateField(allow_null=True)


class HistoryStatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quote = serializers.CharField()
    said_on = serializers.DateField()
    speaker = serializers.CharField(allow_null=True, help_text="The speaker's name.")
    party = serializers.CharField(allow_null=True, help_text="The party's slug.")
    kind = _choice(StatementKind.choices)
    document = HistoryDocumentSerializer()


RELATION_TYPES_HELP = "The relation: " + "; ".join(f"`{t}`: {m}" for t, m in RELATION_MEANINGS.items())
DIRECTIONS = [
    ("outgoing", "this proposal bears on the other"),
    ("incoming", "the other proposal bears on this one"),
]


class RelatedProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = _choice(ProposalKind.choices)


class HistoryRelationSerializer(serializers.Serializer):
    direction = _choice(DIRECTIONS)
    label = serializers.CharField(help_text="The relation in words, read from this proposal's side.")
    proposal = RelatedProposalSerializer(help_text="The other proposal.")
    since_precision = _choice(DatePrecision.choices, help_text="How exactly the day it holds from is known.")


class HistoryEventSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day it took effect.")
    type = _choice(["status", "stance", "relation"])
    party = ComparisonPartySerializer(allow_null=True, help_text="None for a status change or a relation.")
    value = serializers.CharField(help_text="The status, the stance or the relation's type.")
    since = serializers.DateField(
        allow_null=True,
        help_text="The day the value's run began (this event's date unless it restates the value in force the "
        "day before); null for a rejected row, which never was in force.",
    )
    restatement = serializers.BooleanField(help_text="Whether it restates the value in force the day before.")
    review_state = _choice(ReviewState.choices)
    note = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField()
    evidence = HistoryStatementSerializer(
        many=True, help_text="By said_on; for a stance, its party's own speakers' statements first."
    )
    relation = HistoryRelationSerializer(
        allow_null=True, help_text="For a relation: its direction and the other proposal."
    )


class ProposalHistorySerializer(serializers.Serializer):
    """A proposal and its status changes, stances and relations in date order, with their evidence."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    negotiation = serializers.CharField(help_text="The negotiation's slug.")
    issue = serializers.CharField(help_text="The issue's key.")
    proponent = ComparisonPartySerializer()
    kind = _choice(ProposalKind.choices)
    first_stated = serializers.DateField()
    known_at = serializers.DateTimeField(
        allow_null=True, help_text="The moment whose record answered (from `known_at`); null: the record as it is now."
    )
    events = HistoryEventSerializer(many=True)


class RelationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = _choice(RelationType.choices, help_text=RELATION_TYPES_HELP)
    direction = _choice(DIRECTIONS)
    label = serializers.CharField(help_text='The relation in words, read from this proposal\'s side ("countered by").')
    proposal = RelatedProposalSerializer(help_text="The other proposal.")
    since = serializers.DateField(help_text="The day the relation holds from.")
    since_precision = _choice(DatePrecision.choices, help_text="How exactly `since` is known.")
    review_state = _choice(ReviewState.choices)
    note = serializers.CharField(allow_blank=True)
    evidence = HistoryStatementSerializer(many=True, help_text="The statements that ground it, by said_on.")


class ProposalRelationsSerializer(serializers.Serializer):
    """A proposal and its relations to other proposals, both ways, by the day each holds from."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = _choice(ProposalKind.choices)
    relations = RelationSerializer(many=True)


class RelationsQuerySerializer(serializers.Serializer):
    """?review_state=&type=, each optional."""

    review_state = _choice(ReviewState.choices, required=False)
    type = _choice(RelationType.choices, required=False)


# --- views -------------------------------------------------------------------------------------


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _negotiation(slug: str):
    negotiation = selectors.negotiation_by_slug(slug=slug)
    if negotiation is None:
        raise _no_negotiation(slug)
    return negotiation


def _no_negotiation(slug: str) -> exceptions.ValidationError:
    # A query value that names nothing is a 400 naming it, as in the filters (positions/filters.py).
    return exceptions.ValidationError({"negotiation": [f"No negotiation {slug!r}."]})


NEGOTIATION = OpenApiParameter(
    "negotiation", str, required=True, description="The negotiation's slug (an unknown one is a 400)."
)


class CompareView(AnswerView):
    renderer_classes = [PlainJSONRenderer, BrowsableAPIRenderer]  # its answer holds no float (renderers.py)

    @extend_schema(
        operation_id="compare",
        summary="Compare the parties' positions as of a date",
        description=(
            "Every proposal tabled by `as_of` (by issue key, first stated, title) with its status and, "
            "per party, the stance in force that day with its evidence. A stance or status holds from its "
            "first statement until a different one (`since`); restating it adds evidence. Pending rows count, marked "
            "review_state=pending, unless approved_only=true; rejected rows and statements are shown "
            "to curators only."
        ),
        parameters=[
            NEGOTIATION,
            as_of_parameter("The day to read"),
            known_at_parameter(),
            OpenApiParameter(
                "parties",
                str,
                description="Comma-separated party slugs: only these columns, in this order "
                "(default: all the negotiation's parties by name). A slug that is not a party to the "
                "negotiation is a 400.",
            ),
            OpenApiParameter("approved_only", bool, description="Leave out rows not yet approved by a curator."),
        ],
        responses={200: CompareSerializer, **ERRORS},
    )
    def get(self, request):
        def build() -> dict:
            query = _query(CompareQuerySerializer, request)
            slugs = query.get("parties")
            if query["known_at"] is None:  # the matrix as now known: one statement (no transaction), written
                read = selectors.comparison_read(  # without DRF's fields
                    slug=query["negotiation"],
                    as_of=query.get("as_of"),
                    today=timezone.localdate(),
                    include_pending=not query["approved_only"],
                )
                if read is None:  # the query itself said so: no second look that a negotiation made since could pass
                    raise _no_negotiation(query["negotiation"])
                return _comparison_written(read, slugs)
            with transaction.atomic():  # as known at a past moment: several reads
                negotiation = _negotiation(query["negotiation"])
                parties = selectors.negotiation_parties(negotiation=negotiation, slugs=slugs)
                if slugs is not None and len(parties) < len(slugs):
                    raise _unknown_parties(slugs, (party.slug for party in parties))
                comparison = selectors.positions_compare(
                    negotiation=negotiation,
                    as_of=as_of_or_default(query.get("as_of"), negotiation=negotiation),
                    parties=parties,
                    include_pending=not query["approved_only"],
                    known_at=query["known_at"],
                )
                return represented(CompareSerializer, comparison)

        return answer(request, self.question(request), build, atomic=False)

    def question(self, request) -> tuple:
        return ("compare", asked(request))


def _unknown_parties(slugs: list[str], known: Iterable[str]) -> exceptions.ValidationError:
    unknown = ", ".join(sorted(set(slugs) - set(known)))
    return exceptions.ValidationError({"parties": [f"Not a party to this negotiation: {unknown}."]})


def _comparison_written(read: selectors.ComparisonRead, slugs: list[str] | None) -> dict:
    """The answer `represented(CompareSerializer, positions_compare(…))` gives for the matrix as now known, written
    straight from `comparison_read`'s lists: CompareSerializer's keys in its order, dates as YYYY-MM-DD (as read),
    the deadlines by DeadlineAsOfSerializer. The columns are `slugs` in their order (a slug that names no party
    to the negotiation is a 400), else every party by name. tests/api/test_plain.py compares the bytes with
    those DRF's serializer writes from `positions_compare`."""
    parties = [{"id": party, "slug": slug, "name": name} for party, slug, name in read.parties]
    if slugs is not None:
        by_slug = {party["slug"]: party for party in parties}
        if any(slug not in by_slug for slug in slugs):
            raise _unknown_parties(slugs, by_slug)
        parties = [by_slug[slug] for slug in slugs]
    columns = {party["id"]: party["slug"] for party in parties}
    cells = {(row[0], row[1]): selectors.compare_cell(columns[row[1]], row) for row in read.cells if row[1] in columns}
    empty = {party: selectors.empty_cell(slug) for party, slug in columns.items()}
    rows = []
    for proposal, slug, title, issue, (proponent, by, name), kind, first_stated, status, since, state in read.proposals:
        deadlines = [represented(DeadlineAsOfSerializer, entry) for entry in read.deadlines.get(proposal, ())]
        rows.append(
            {
                "id": proposal,
                "slug": slug,
                "title": title,
                "issue": issue,
                "proponent": {"id": proponent, "slug": by, "name": name},
                "kind": kind,
                "first_stated": first_stated,
                "status": status and {"status": status, "since": since, "review_state": state},
                "deadlines": deadlines,
                "overdue": any(entry["overdue"] for entry in deadlines),
                "cells": [cells.get((proposal, party)) or empty[party] for party in columns],
            }
        )
    return {
        "negotiation": read.slug,
        "as_of": read.as_of.isoformat(),
        "known_at": None,
        "parties": parties,
        "proposals": rows,
    }


class ChangesView(AnswerView):
    @extend_schema(
        operation_id="changes",
        summary="What changed between two dates",
        description=(
            "Every status change and stance with from < effective <= to that differs from the value in force "
            "the day before (`previous`; restatements are left out), by date, proposal title and party name; "
            "`summary` lists each "
            "value in force on `from` that differs on `to` (party null for a proposal's status)."
        ),
        parameters=[
            NEGOTIATION,
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="Changes after this day."),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, required=True, description="Changes up to and including this day; >= from."
            ),
            known_at_parameter(),
        ],
        responses={200: ChangesSerializer, **ERRORS},
    )
    def get(self, request):
        def build() -> dict:
            query = _query(ChangesQuerySerializer, request)
            negotiation = _negotiation(query["negotiation"])
            dates = {"date_from": query["from"], "date_to": query["to"], "known_at": query["known_at"]}
            return ChangesSerializer(selectors.positions_changes(negotiation=negotiation, **dates)).data

        return answer(request, self.question(request), build)

    def question(self, request) -> tuple:
        return ("changes", asked(request))


class ProposalHistoryView(AnswerView):
    renderer_classes = [PlainJSONRenderer, BrowsableAPIRenderer]  # its answer holds no float (renderers.py)

    @extend_schema(
        operation_id="proposal_history",
        summary="A proposal's timeline with its evidence",
        description="Its status changes and the parties' stances by effective date, then recorded_at, "
        "each with the quoted statements that ground it; with `known_at`, as the tracker held them then "
        "(a proposal not yet recorded then is a 404).",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="The proposal's id."),
            known_at_parameter(),
        ],
        responses={200: ProposalHistorySerializer, **ERRORS},
    )
    def get(self, request, pk: int):
        curator = is_curator(request.user)

        def build() -> dict:
            known_at = _query(HistoryQuerySerializer, request)["known_at"]
            history = selectors.proposal_history(proposal_id=pk, curator=curator, known_at=known_at)
            if history is None:
                raise exceptions.NotFound("No such proposal.")
            return represented(ProposalHistorySerializer, history)

        return answer(request, self.question(request, pk), build)

    def question(self, request, pk) -> tuple:
        return ("history", int(pk), is_curator(request.user), asked(request))


class ProposalRelationsView(AnswerView):
    @extend_schema(
        operation_id="proposal_relations",
        summary="How a proposal and other proposals bear on each other",
        description="Its relations both ways (a counter-proposal, a proposal superseded, a condition, a threat "
        "backing a demand, an alternative), by the day each holds from, with the statements that ground them. "
        "Pending relations (suggested by the extractor) are shown, marked review_state=pending; rejected ones "
        "are shown to curators only.",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="The proposal's id."),
            OpenApiParameter(
                "review_state", str, enum=ReviewState.values, description="Only relations in this review state."
            ),
            OpenApiParameter("type", str, enum=RelationType.values, description="Only relations of this type."),
        ],
        responses={200: ProposalRelationsSerializer, **ERRORS},
    )
    def get(self, request, pk: int):
        curator = is_curator(request.user)

        def build() -> dict:
            query = _query(RelationsQuerySerializer, request)
            state, kind = query.get("review_state"), query.get("type")
            found = selectors.proposal_relations(
                proposal_id=pk, curator=curator, states=[state] if state else None, types=[kind] if kind else None
            )
            if found is None:
                raise exceptions.NotFound("No such proposal.")
            return ProposalRelationsSerializer(found).data

        return answer(request, self.question(request, pk), build)

    def question(self, request, pk) -> tuple:
        return ("relations", int(pk), is_curator(request.user), asked(request))
