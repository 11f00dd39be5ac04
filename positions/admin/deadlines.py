"""Target dates on the curators' desk: the phrase as said, its evidence, and the due day read from it."""

from django import forms
from django.contrib import admin

from positions.admin.base import ConfidenceFilter, ReviewFilter
from positions.admin.review import RecordedAdmin
from positions.models import Deadline
from positions.services.deadlines import DeadlineUndated, deadline_due


class DeadlineForm(forms.ModelForm):
    """Due day and the day it was set may be left empty: they are read from the phrase and its evidence."""

    class Meta:
        model = Deadline
        fields = ["proposal", "party", "phrase", "due", "effective", "evidence", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("due", "effective"):
            self.fields[name].required = False
        self.fields["due"].help_text = "Leave empty to read it from the phrase, from the day its evidence was said."

    def clean(self):
        data = super().clean()
        evidence = list(data.get("evidence") or [])
        if data.get("phrase") is not None and ("due" in self.changed_data or not data.get("due")):
            try:
                due, precision = deadline_due(phrase=data["phrase"], evidence=evidence, due=data.get("due"))
            except DeadlineUndated as undated:
                raise forms.ValidationError({"due": str(undated)}) from None
            data["due"], data["due_precision"] = due, precision
            self.changed_data.extend(name for name in ("due", "due_precision") if name not in self.changed_data)
        if not data.get("effective"):
            if not evidence:
                raise forms.ValidationError({"effective": "Give the day it was set, or its evidence."})
            data["effective"] = min(s.said_on for s in evidence)
        return data


@admin.register(Deadline)
class DeadlineAdmin(RecordedAdmin):
    form = DeadlineForm
    list_display = ["proposal", "party", "phrase", "due", "effective", "evidence_in_context", "recorded_via"]
    list_filter = [ReviewFilter, "proposal__negotiation", "party", ConfidenceFilter, "due"]
    list_select_related = ["proposal", "party"]
    search_fields = ["proposal__title", "phrase", "note", "evidence__quote"]
    autocomplete_fields = [*RecordedAdmin.autocomplete_fields, "party"]
    fields = ["proposal", "party", "phrase", "due", "effective", "evidence", "note", *RecordedAdmin.machine_fields]
    compared = ("due", "effective")
