"""The API's own filter sets for its other lists (django-filter), in the shared grammar of
positions/filters.py, which also holds the statement filters the pages use too.
"""

import django_filters

from positions.filters import DayFilter, issue_key, known_id, negotiation_slug, party_slug
from positions.filters import KnownFilter as KnownFilter  # named here too: the API grammar tests look it up here
from positions.models import (
    Actor,
    Document,
    IngestRun,
    Issue,
    Item,
    Proposal,
    Source,
    Stance,
    StatusChange,
)
from positions.vocabularies import (
    ActorKind,
    ItemState,
    ProposalKind,
    ProposalStatus,
    ReviewState,
    StanceValue,
)


class ProposalFilter(django_filters.FilterSet):
    negotiation = negotiation_slug("negotiation__slug")
    issue = issue_key("issue__key")
    proponent = party_slug("proponent__slug", "Proponent party slug.")
    kind = django_filters.ChoiceFilter(choices=ProposalKind.choices)

    class Meta:
        model = Proposal
        fields = []


class IssueFilter(django_filters.FilterSet):
    negotiation = negotiation_slug("negotiation__slug")
    key = issue_key("key")

    class Meta:
        model = Issue
        fields = []


class ActorFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ActorKind.choices)
    party = party_slug("roles__party__slug", distinct=True)

    class Meta:
        model = Actor
        fields = []


class RecordedFilter(django_filters.FilterSet):
    proposal = known_id(Proposal.objects.all(), "proposal", field_name="proposal", help_text="Proposal id.")
    negotiation = negotiation_slug("proposal__negotiation__slug")
    review_state = django_filters.ChoiceFilter(choices=ReviewState.choices)
    effective_from = DayFilter(field_name="effective", lookup_expr="gte", help_text="In force from (YYYY-MM-DD).")
    effective_to = DayFilter(field_name="effective", lookup_expr="lte", help_text="Took effect by (YYYY-MM-DD).")


class StanceFilter(RecordedFilter):
    party = party_slug("party__slug")
    stance = django_filters.ChoiceFilter(choices=StanceValue.choices)

    class Meta:
        model = Stance
        fields = []


class StatusChangeFilter(RecordedFilter):
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)

    class Meta:
        model = StatusChange
        fields = []


class DocumentFilter(django_filters.FilterSet):
    source = known_id(Source.objects.all(), "source", field_name="source", help_text="Source id.")
    publisher = django_filters.CharFilter()
    published_from = DayFilter(
        field_name="published", lookup_expr="gte", help_text="Published on or after (YYYY-MM-DD)."
    )
    published_to = DayFilter(
        field_name="published", lookup_expr="lte", help_text="Published on or before (YYYY-MM-DD)."
    )

    class Meta:
        model = Document
        fields = []


class IngestRunFilter(django_filters.FilterSet):
    source = known_id(Source.objects.all(), "source", field_name="source", help_text="Source id.")
    trigger = django_filters.CharFilter()

    class Meta:
        model = IngestRun
        fields = []


class ItemFilter(django_filters.FilterSet):
    run = known_id(IngestRun.objects.all(), "ingest run", field_name="run", help_text="Ingest run id.")
    state = django_filters.ChoiceFilter(choices=ItemState.choices)

    class Meta:
        model = Item
        fields = []
