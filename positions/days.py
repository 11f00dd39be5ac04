"""The one date grammar of query strings and negotiation files: an ISO 8601 calendar date, YYYY-MM-DD."""

import re
from datetime import date

from django import forms

DATE_MESSAGE = "Enter a date as YYYY-MM-DD."
# Only the extended calendar form: fromisoformat alone would also take 20111206 and 2011-W49-2.
DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_day(value) -> date | None:
    """A YYYY-MM-DD date, or None when the value is not one."""
    if not isinstance(value, str) or not DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class DayField(forms.DateField):
    """A form field (pages, django-filter) that reads YYYY-MM-DD and nothing else."""

    default_error_messages = {"invalid": DATE_MESSAGE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        day = parse_day(value.strip() if isinstance(value, str) else value)
        if day is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return day
