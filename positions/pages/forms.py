"""The GET forms of the pages: they validate the query string, so a bad date is a 400 page, not a 500."""

from django import forms

from positions.days import DayField, MomentField, known_moment
from positions.filters import InvalidFilters


def date_field(label: str) -> DayField:
    return DayField(required=False, label=label)


class AsOfForm(forms.Form):
    as_of = date_field("As of")
    hide_unreviewed = forms.BooleanField(required=False, label="Hide unreviewed positions")
    all_parties = forms.BooleanField(required=False, label="Show parties with no stance")
    known_at = MomentField(required=False, label="As known at")

    def clean_known_at(self):
        # A moment still to come is now: the record as it is.
        return known_moment(self.cleaned_data.get("known_at"))


class KnownAtForm(forms.Form):
    """?known_at= alone: a proposal's timeline as the tracker held it then."""

    known_at = MomentField(required=False, label="As known at")

    def clean_known_at(self):
        return known_moment(self.cleaned_data.get("known_at"))


class ChangesForm(KnownAtForm):
    """?from=&to=&known_at=: `from` is a Python keyword, so the fields are added by name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = date_field("From")
        self.fields["to"] = date_field("To")

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise forms.ValidationError("“From” must be on or before “to”.")
        return data


def error_lines(form: forms.Form | InvalidFilters) -> list[str]:
    """The errors of a form (or of statement filters) as sentences for the 400 page: "as_of: Enter a valid date."."""
    lines = []
    for field, errors in form.errors.items():
        for error in errors:
            lines.append(error if field == "__all__" else f"{field}: {error}")
    return lines
