"""What matches a statement query: the statement filters (django-filter) that the API's lists and
exports and the search page share, with full-text search on quotes, and the filter grammar every
list uses.

One grammar: dates are YYYY-MM-DD (positions/days.py), and a value that names nothing (a party
slug, an issue key, an id, a vocabulary word) is an error naming it (a 400), never an empty list.
The API declares them as its views' filter sets; the pages read through `selectors.statements_matching`.
"""

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError

from positions.days import DayField
from positions.models import Actor, Document, Issue, Negotiation, Party, Proposal, Statement
from positions.vocabularies import ReviewState, StatementKind, StatementMode


class DayFilter(django_filters.DateFilter):
    field_class = DayField


class KnownField(forms.CharField):
    """A slug or key that must name a row of `queryset` (one EXISTS query)."""

    def __init__(self, *, queryset, to_field: str, what: str, **kwargs):
        self.queryset, self.to_field, self.what = queryset, to_field, what
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not self.queryset.filter(**{self.to_field: value}).exists():
            # Through params: django-filter formats the message with them, and a value may hold a "%".
            params = {"what": self.what, "value": value}
            raise ValidationError("No %(what)s %(value)r.", code="invalid_choice", params=params)


class KnownFilter(django_filters.CharFilter):
    """Filters on `field_name`, after checking that the value names a `what` (400 otherwise)."""

    field_class = KnownField

    def __init__(self, *, queryset, to_field: str, what: str, **kwargs):
        super().__init__(queryset=queryset, to_field=to_field, what=what, **kwargs)


def known_id(queryset, what: str, **kwargs) -> django_filters.ModelChoiceFilter:
    """An id filter that answers 400 naming the id when no row has it."""
    message = f"No {what} %(value)s."
    return django_filters.ModelChoiceFilter(queryset=queryset, error_messages={"invalid_choice": message}, **kwargs)


def negotiation_slug(field_name: str, **kwargs) -> KnownFilter:
    return KnownFilter(
        queryset=Negotiation.objects.all(),
        to_field="slug",
        what="negotiation",
        field_name=field_name,
        help_text="Negotiation slug.",
        **kwargs,
    )


def party_slug(field_name: str, help_text: str = "Party slug.", **kwargs) -> KnownFilter:
    return KnownFilter(
        queryset=Party.objects.all(),
        to_field="slug",
        what="party",
        field_name=field_name,
        help_text=help_text,
        **kwargs,
    )


def issue_key(field_name: str, **kwargs) -> KnownFilter:
    return KnownFilter(
        queryset=Issue.objects.all(),
        to_field="key",
        what="issue",
        field_name=field_name,
        help_text="Issue key.",
        **kwargs,
    )


class StatementFilter(django_filters.FilterSet):
    negotiation = negotiation_slug("topics__negotiation__slug", distinct=True)
    party = party_slug("party__slug")
    # A rejected speaker's slug is answered as an unknown one: nobody can tell it was ever there.
    actor = KnownFilter(
        queryset=Actor.objects.exclude(review_state=ReviewState.REJECTED),
        to_field="slug",
        what="actor",
        field_name="shown_speaker__slug",
        help_text="Speaker (actor) slug.",
    )
    kind = django_filters.ChoiceFilter(choices=StatementKind.choices)
    mode = django_filters.ChoiceFilter(choices=StatementMode.choices)
    topic = issue_key("topics__key", distinct=True)
    proposal = KnownFilter(
        queryset=Proposal.objects.all(),
        to_field="slug",
        what="proposal",
        field_name="proposal__slug",
        help_text="Proposal slug.",
    )
    document = known_id(Document.objects.all(), "document", field_name="document", help_text="Document id.")
    said_from = DayFilter(field_name="said_on", lookup_expr="gte", help_text="Said on or after (YYYY-MM-DD).")
    said_to = DayFilter(field_name="said_on", lookup_expr="lte", help_text="Said on or before (YYYY-MM-DD).")
    review_state = django_filters.ChoiceFilter(choices=ReviewState.choices)
    q = django_filters.CharFilter(
        method="search", help_text='Full-text search in the quotes (web search syntax: words, "phrases", -not, or).'
    )

    class Meta:
        model = Statement
        fields = []

    def search(self, queryset, name, value):
        query = SearchQuery(value, config="english", search_type="websearch")
        return queryset.filter(quote_search=query)


class InvalidFilters(ValueError):
    """Filter values that are malformed or name nothing: `errors` maps each field to its messages."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
