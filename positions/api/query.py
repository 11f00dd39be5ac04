"""The API's query grammar beside the filters: one date field, and the rule for a missing `as_of`."""

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from positions import selectors
from positions.days import DATE_MESSAGE, parse_day
from positions.models import Negotiation

AS_OF_DEFAULT = "default: the day the negotiation ended if it has ended, else today"


class DayField(serializers.DateField):
    """A date parameter: YYYY-MM-DD only, with the one message of positions/days.py."""

    def to_internal_value(self, value):
        day = value if isinstance(value, date) else parse_day(value)
        if day is None:
            raise serializers.ValidationError(DATE_MESSAGE, code="invalid")
        return day


def as_of_or_default(as_of: date | None, *, negotiation: Negotiation | None) -> date:
    """The day to read: the one asked for, else the pages' default for the negotiation (today
    when the request names none)."""
    if as_of is not None:
        return as_of
    today = timezone.localdate()
    return today if negotiation is None else selectors.negotiation_default_date(negotiation=negotiation, today=today)


def as_of_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter("as_of", OpenApiTypes.DATE, description=f"{description} (YYYY-MM-DD; {AS_OF_DEFAULT}).")
