"""Position scales on the curators' desk: an issue's steps with the proposals that place a party on each,
and placements of a party on a step (with evidence), which win over what its stances say."""

from django.contrib import admin

from positions.admin.base import DeskHistoryAdmin, ReviewFilter
from positions.admin.review import RecordedAdmin
from positions.models import Scale, ScalePosition, ScaleStep


class ScaleStepInline(admin.TabularInline):
    model = ScaleStep
    fields = ["position", "key", "label", "proposals"]
    autocomplete_fields = ["proposals"]
    extra = 0


@admin.register(Scale)
class ScaleAdmin(DeskHistoryAdmin):
    list_display = ["title", "issue"]
    list_select_related = ["issue"]
    list_filter = ["issue__negotiation"]
    search_fields = ["title", "issue__key", "issue__title"]
    autocomplete_fields = ["issue"]
    inlines = [ScaleStepInline]


@admin.register(ScaleStep)
class ScaleStepAdmin(DeskHistoryAdmin):
    """Listed for the placements' autocomplete; edited inline in its scale."""

    list_display = ["label", "position", "scale"]
    list_select_related = ["scale"]
    search_fields = ["label", "key", "scale__title"]
    autocomplete_fields = ["proposals"]


@admin.register(ScalePosition)
class ScalePositionAdmin(RecordedAdmin):
    list_display = ["party", "step", "effective", "evidence_in_context", "recorded_via"]
    list_filter = [ReviewFilter, "step__scale", "party", "effective"]
    list_select_related = ["party", "step"]
    search_fields = ["party__name", "step__label", "note", "evidence__quote"]
    autocomplete_fields = ["step", "party", "evidence"]
    fields = ["party", "step", "effective", "evidence", "note", *RecordedAdmin.machine_fields]
    compared = ("party", "effective")
