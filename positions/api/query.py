"""The API's query grammar beside the filters: one date field, the rule for a missing `as_of`, and `known_at`."""

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from positions import selectors
from positions.days import DATE_MESSAGE, MOMENT_MESSAGE, known_moment, parse_day, parse_moment
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


class KnownAtField(serializers.Field):
    """`known_at`: a day (its end) or an ISO 8601 date and time, as positions/days.py reads it; its value is
    the moment to read the record at, None for now (a moment still to come is now)."""

    default_error_messages = {"invalid": MOMENT_MESSAGE}

    def to_internal_value(self, value):
        moment = parse_moment(value)
        if moment is None:
            self.fail("invalid")
        return known_moment(moment)

    def to_representation(self, value):
        return value


def known_at_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        "known_at",
        OpenApiTypes.STR,
        description="Answer from the record as the tracker held it at this moment (its audit history), not as it "
        "is now: YYYY-MM-DD (the end of that day) or an ISO 8601 date and time, YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM] "
        "(without an offset: the site's time zone). A moment still to come is now; default: now. A citation "
        "that names `as_of` and `known_at` gets the same answer after curators change things.",
    )
