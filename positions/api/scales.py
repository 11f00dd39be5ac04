"""An issue's position scale over time: JSON (`issue_positions`) and the tidy CSV in the DEU's shape.

Both read `selectors.issue_scale`; the JSON is a cached answer named by everything asked (positions/api/answers.py).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from positions import selectors
from positions.api.answers import AnswerView, answer, asked
from positions.api.comparison import ERRORS, NEGOTIATION, ComparisonPartySerializer, _negotiation, _query
from positions.api.errors import ErrorSerializer
from positions.api.exports import FixedContentNegotiation
from positions.api.query import DayField, as_of_or_default, as_of_parameter
from positions.csv_writer import csv_response
from positions.vocabularies import ReviewState


class IssuePositionsQuerySerializer(serializers.Serializer):
    negotiation = serializers.CharField(max_length=100)
    issue = serializers.CharField(max_length=60)
    as_of = DayField(required=False)
    approved_only = serializers.BooleanField(required=False, default=False)


class ScaleProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class ScaleStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    position = serializers.IntegerField(min_value=0, max_value=100)
    proposals = ScaleProposalSerializer(many=True, help_text="Supporting one of these puts a party at this step.")


class ScaleSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    steps = ScaleStepSerializer(many=True, help_text="By position, 0 to 100.")


class ScaleStatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quote = serializers.CharField()
    said_on = serializers.DateField()
    document = serializers.IntegerField(help_text="The document's id.")


class ScalePointSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day the party's position changed.")
    step = serializers.CharField(allow_null=True, help_text="The step's key; null: no longer on the scale.")
    label = serializers.CharField(allow_null=True)
    position = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    source = serializers.ChoiceField(
        choices=["stance", "curator"], help_text="What placed it: a supporting stance, or a curator's placement."
    )
    proposal = ScaleProposalSerializer(allow_null=True, help_text="The proposal whose support placed it (stance).")
    statement = ScaleStatementSerializer(allow_null=True, help_text="The statement it rests on.")
    review_state = serializers.ChoiceField(choices=ReviewState.choices, allow_null=True)


class ScaleSeriesSerializer(serializers.Serializer):
    party = ComparisonPartySerializer()
    points = ScalePointSerializer(many=True)


class DistanceSerializer(serializers.Serializer):
    date = serializers.DateField()
    distance = serializers.IntegerField(allow_null=True, help_text="Null while fewer than two parties are placed.")
    low = serializers.CharField(allow_null=True, help_text="The slug of the party lowest on the scale.")
    high = serializers.CharField(allow_null=True, help_text="The slug of the party highest on the scale.")


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM.")
    party = ComparisonPartySerializer()
    position = serializers.IntegerField(allow_null=True, help_text="Held at the month's end (or on `as_of`).")
    step = serializers.CharField(allow_null=True)
    salience = serializers.FloatField(
        help_text="0–100: the share of the party's statements that month about this issue, a statement about "
        "k issues counting 1/k."
    )
    statements = serializers.IntegerField(help_text="The party's statements that month on this issue.")


class IssueTitleSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()


class IssuePositionsSerializer(serializers.Serializer):
    """Each party's position on an issue's scale over time, the distance between the furthest, and per month."""

    negotiation = serializers.CharField()
    issue = IssueTitleSerializer()
    as_of = serializers.DateField()
    start = serializers.DateField(help_text="The first day of the months listed.")
    scale = ScaleSerializer(allow_null=True, help_text="Null when the issue has no scale.")
    parties = ScaleSeriesSerializer(many=True, help_text="In the negotiation's own order.")
    distance = DistanceSerializer(many=True)
    months = MonthSerializer(many=True)


PARAMETERS = [
    NEGOTIATION,
    OpenApiParameter("issue", str, required=True, description="The issue's key (an unknown one is a 404)."),
    as_of_parameter("The last day read"),
    OpenApiParameter("approved_only", bool, description="Leave out stances and statements not yet approved."),
]


def _scale(request) -> dict:
    query = _query(IssuePositionsQuerySerializer, request)
    negotiation = _negotiation(query["negotiation"])
    as_of = as_of_or_default(query.get("as_of"), negotiation=negotiation)
    include_pending = not query["approved_only"]
    return {"negotiation": negotiation, "key": query["issue"], "as_of": as_of, "include_pending": include_pending}


def _found(args: dict) -> dict:
    found = selectors.issue_scale(**args)
    if found is None:
        raise exceptions.NotFound("No such issue in this negotiation.")
    return found


class IssuePositionsView(AnswerView):
    @extend_schema(
        operation_id="issue_positions",
        summary="Each party's position on an issue's scale over time",
        description="The issue's scale (ordered outcomes, 0–100), each party's position from its stances (the "
        "step of a proposal it supports; a curator's placement wins from its date), the distance between the two "
        "furthest parties, and per party and month its position and salience.",
        parameters=PARAMETERS,
        responses={200: IssuePositionsSerializer, **ERRORS},
    )
    def get(self, request):
        def build() -> dict:
            return IssuePositionsSerializer(_found(_scale(request))).data

        return answer(request, self.question(request), build)

    def question(self, request) -> tuple:
        return ("issue_positions", asked(request))


class IssuePositionsCSVView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FixedContentNegotiation

    @extend_schema(
        operation_id="issue_positions_csv",
        summary="Download an issue's positions as a tidy CSV (one row per party and month)",
        description="Columns: "
        + ", ".join(selectors.ISSUE_POSITION_HEADERS)
        + ". `date` is the month (YYYY-MM); `position` (0–100) is the one held at its end, empty when the party is "
        "not on the scale; `salience` 0–100 as in issue_positions.",
        parameters=PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8, header row)."),
            (400, "application/json"): OpenApiResponse(ErrorSerializer, description="A value is not valid."),
            (404, "application/json"): OpenApiResponse(ErrorSerializer, description="No such issue."),
        },
    )
    def get(self, request):
        found = _found(_scale(request))
        name = f"{found['negotiation']}-{found['issue']['key']}-positions-{found['as_of'].isoformat()}.csv"
        return csv_response(selectors.ISSUE_POSITION_HEADERS, selectors.issue_positions_rows(found), filename=name)
