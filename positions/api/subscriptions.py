"""Webhook subscriptions: an API user's own subscriptions, their delivery log, resuming a paused one.

Any signed-in user (token or session) may subscribe; each sees and deletes only their own. The secret
is shown once, in the answer to the POST that creates the subscription (docs/webhooks.md).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from positions import selectors
from positions.api.errors import ErrorSerializer
from positions.models import Delivery, DeliveryAttempt, Negotiation, Party, Proposal, Subscription
from positions.services import webhooks

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
    404: OpenApiResponse(ErrorSerializer, description="No such subscription of yours."),
}


class SubscriptionSerializer(serializers.ModelSerializer):
    negotiation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    party = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    proposal = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    follows = serializers.CharField(source="follows_kind", read_only=True, help_text="negotiation, party or proposal")
    paused_reason = serializers.CharField(read_only=True, help_text="Why deliveries stopped; empty while active.")

    class Meta:
        model = Subscription
        fields = [
            "id",
            "target_url",
            "follows",
            "negotiation",
            "party",
            "proposal",
            "active",
            "paused_at",
            "paused_reason",
            "failing_since",
            "created_at",
        ]
        read_only_fields = fields


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(read_only=True, help_text="Verifies the X-Tracker-Signature of every delivery.")

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionWriteSerializer(serializers.Serializer):
    target_url = serializers.URLField(max_length=2000, help_text="Where deliveries are POSTed: a public http(s) URL.")
    negotiation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Negotiation.objects.all(), required=False, help_text="Follow a negotiation (slug)."
    )
    party = serializers.SlugRelatedField(
        slug_field="slug", queryset=Party.objects.all(), required=False, help_text="Follow a party (slug)."
    )
    proposal = serializers.PrimaryKeyRelatedField(
        queryset=Proposal.objects.all(), required=False, help_text="Follow a proposal (id)."
    )

    def validate_target_url(self, value: str) -> str:
        try:
            webhooks.target_check(url=value)
        except webhooks.SubscriptionRefused as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value

    def validate(self, attrs):
        named = [name for name in ("negotiation", "party", "proposal") if attrs.get(name) is not None]
        if len(named) != 1:
            raise serializers.ValidationError(
                {"non_field_errors": ["Follow exactly one thing: a negotiation, a party or a proposal."]}
            )
        return attrs


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "at", "status_code", "response_excerpt", "error", "duration_ms"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_key",
            "event_type",
            "event",
            "state",
            "attempts",
            "created_at",
            "finished_at",
            "attempt_log",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(responses={200: SubscriptionSerializer, **ERRORS}),
    retrieve=extend_schema(responses={200: SubscriptionSerializer, **ERRORS}),
    destroy=extend_schema(responses={204: None, **ERRORS}),
    create=extend_schema(
        request=SubscriptionWriteSerializer,
        responses={
            201: SubscriptionCreatedSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Not valid, or the target is not a public address."),
            **ERRORS,
        },
        description="Subscribe a URL to the changes of one negotiation, party or proposal. The answer carries "
        "the secret that signs every delivery; it is not shown again.",
    ),
)
class SubscriptionViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Webhook subscriptions of the signed-in user."""

    serializer_class = SubscriptionSerializer
    permission_classes = [permissions.IsAuthenticated]
    # The router adds this route to the schema before the view knows its user: no owner, no rows.
    queryset = Subscription.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Subscription.objects.none()
        return selectors.subscriptions_of(owner=self.request.user)

    def create(self, request, *args, **kwargs):
        incoming = SubscriptionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            subscription = webhooks.subscription_create(owner=request.user, **incoming.validated_data)
        except webhooks.SubscriptionRefused as exc:  # the name resolved elsewhere since the check
            raise serializers.ValidationError({"target_url": [str(exc)]}) from None
        return Response(SubscriptionCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        webhooks.subscription_delete(subscription=instance, user=self.request.user)

    @extend_schema(responses={200: DeliverySerializer(many=True), **ERRORS})
    # No filter backends: the log has its own order, and an `ordering` named the delivery's fields but was
    # applied to the subscription's lookup (?ordering=attempts was a 500).
    @action(detail=True, methods=["get"], serializer_class=DeliverySerializer, filter_backends=[])
    def deliveries(self, request, pk=None):
        """The delivery log: every change sent to this subscription, newest first, with each attempt's
        status code, the start of the answer, the error and the time it took."""
        page = self.paginate_queryset(selectors.deliveries_of(subscription=self.get_object()))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: SubscriptionSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """Deliver again after a pause: changes from now on."""
        subscription = webhooks.subscription_resume(subscription=self.get_object(), user=request.user)
        return Response(SubscriptionSerializer(subscription).data)
