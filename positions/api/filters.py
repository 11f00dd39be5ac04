"""Query filters shared by lists and exports (django-filter), with full-text search on quotes."""

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchVector

from positions.models import Actor, Document, Issue, Proposal, Stance, Statement, StatusChange
from positions.vocabularies import ProposalStatus, ReviewState, StanceValue, StatementKind, StatementMode

# The same expression as the GIN index on Statement (migration 0005): the planner uses it.
QUOTE_SEARCH = SearchVector("quote", config="english")


class StatementFilter(django_filters.FilterSet):
    negotiation = django_filters.CharFilter(
        field_name="topics__negotiation__slug", distinct=True, help_text="Negotiation slug."
    )
    party = django_filters.CharFilter(field_name="party__slug", help_text="Party slug.")
    actor = django_filters.CharFilter(field_name="shown_speaker__slug", help_text="Speaker (actor) slug.")
    kind = django_filters.ChoiceFilter(choices=StatementKind.choices)
    mode = django_filters.ChoiceFilter(choices=StatementMode.choices)
    topic = django_filters.CharFilter(field_name="topics__key", distinct=True, help_text="Issue key.")
    proposal = django_filters.CharFilter(field_name="proposal__slug", help_text="Proposal slug.")
    document = django_filters.NumberFilter(field_name="document_id")
    said_from = django_filters.DateFilter(field_name="said_on", lookup_expr="gte", help_text="Said on or after.")
    said_to = django_filters.DateFilter(field_name="said_on", lookup_expr="lte", help_text="Said on or before.")
    review_state = django_filters.ChoiceFilter(choices=ReviewState.choices)
    q = django_filters.CharFilter(
        method="search", help_text='Full-text search in the quotes (web search syntax: words, "phrases", -not, or).'
    )

    class Meta:
        model = Statement
        fields = []

    def search(self, queryset, name, value):
        query = SearchQuery(value, config="english", search_type="websearch")
        return queryset.annotate(search=QUOTE_SEARCH).filter(search=query)


class ProposalFilter(django_filters.FilterSet):
    negotiation = django_filters.CharFilter(field_name="negotiation__slug", help_text="Negotiation slug.")
    issue = django_filters.CharFilter(field_name="issue__key", help_text="Issue key.")
    proponent = django_filters.CharFilter(field_name="proponent__slug", help_text="Proponent party slug.")
    kind = django_filters.CharFilter()

    class Meta:
        model = Proposal
        fields = []


class IssueFilter(django_filters.FilterSet):
    negotiation = django_filters.CharFilter(field_name="negotiation__slug", help_text="Negotiation slug.")
    key = django_filters.CharFilter()

    class Meta:
        model = Issue
        fields = []


class ActorFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter()
    party = django_filters.CharFilter(field_name="roles__party__slug", distinct=True, help_text="Party slug.")

    class Meta:
        model = Actor
        fields = []


class RecordedFilter(django_filters.FilterSet):
    proposal = django_filters.NumberFilter(field_name="proposal_id", help_text="Proposal id.")
    negotiation = django_filters.CharFilter(field_name="proposal__negotiation__slug", help_text="Negotiation slug.")
    review_state = django_filters.ChoiceFilter(choices=ReviewState.choices)
    effective_from = django_filters.DateFilter(field_name="effective", lookup_expr="gte")
    effective_to = django_filters.DateFilter(field_name="effective", lookup_expr="lte")


class StanceFilter(RecordedFilter):
    party = django_filters.CharFilter(field_name="party__slug", help_text="Party slug.")
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
    source = django_filters.NumberFilter(field_name="source_id", help_text="Source id.")
    publisher = django_filters.CharFilter()
    published_from = django_filters.DateFilter(field_name="published", lookup_expr="gte")
    published_to = django_filters.DateFilter(field_name="published", lookup_expr="lte")

    class Meta:
        model = Document
        fields = []
