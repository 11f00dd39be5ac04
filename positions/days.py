"""The one date grammar of query strings and negotiation files: an ISO 8601 calendar date, YYYY-MM-DD;
and the moment grammar of `known_at`: such a date, or an ISO 8601 date and time."""

import re
from datetime import UTC, date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime

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


# --- moments: `known_at`, the moment whose record a read answers from -------------------------------

MOMENT_MESSAGE = (
    "Enter a moment as YYYY-MM-DD (the end of that day) or as an ISO 8601 date and time, "
    "YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH:MM] (without an offset, in the site's time zone)."
)
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", re.ASCII)


def parse_moment(value) -> datetime | None:
    """An aware datetime from YYYY-MM-DD (the day's last instant in the site's time zone: "as known on
    that day" takes in the whole day, as `as_of` does) or an ISO 8601 date and time (naive: the site's
    time zone); None when the value is neither. A moment still to come is not refused: see known_moment."""
    if not isinstance(value, str):
        return None
    day = parse_day(value)
    if day is not None:
        return timezone.make_aware(datetime.combine(day, time.max))
    if not MOMENT.fullmatch(value):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:  # a well-formed but impossible date or time: 2011-02-30, 25:00
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def known_moment(moment: datetime | None) -> datetime | None:
    """The moment a read answers from, in UTC: None (the record as it is now) for none or one still to
    come. A moment past the calendar's ends once in UTC is taken by its side: to come, or before anything."""
    if moment is None:
        return None
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        return None if moment.year > 1 else datetime.min.replace(tzinfo=UTC)
    return None if moment >= timezone.now() else moment


def moment_label(moment: datetime) -> str:
    """How a citation writes a moment: the day when it is a day's end (asked as YYYY-MM-DD), else the
    moment in UTC to the second (YYYY-MM-DDTHH:MM:SSZ), which known_at reads back as the same moment."""
    try:
        local = timezone.localtime(moment)
    except OverflowError:
        local = moment
    if local.time() == time.max:
        return local.date().isoformat()
    utc = moment.astimezone(UTC)
    if utc.microsecond:
        return utc.isoformat().replace("+00:00", "Z")
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


class MomentField(forms.Field):
    """A form field (pages) that reads a moment as parse_moment does."""

    default_error_messages = {"invalid": MOMENT_MESSAGE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        moment = parse_moment(value.strip() if isinstance(value, str) else value)
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment
