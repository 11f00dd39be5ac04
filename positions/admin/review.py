"""The review queue: statements and suggested stances, status changes and proposal relations, each with its quote in its
document's text, filters, search, approve/reject, and corrections that keep the machine's values.

A page costs a fixed number of queries however long the queue: related rows are joined or
prefetched, the quote's context is cut in SQL, and the only in-place field (kind) needs no query.
The statement queue fits a 1366 px screen beside the admin's sidebars: the date, the decisions and the
quote are columns, the rest a compact line under the quote; a new speaker is approved from its row.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from positions.admin.base import (
    ConfidenceFilter,
    DeskHistoryAdmin,
    PipelineRowMixin,
    ReviewFilter,
    ReviewMixin,
    may_review,
    quote_in_context,
    with_context,
)
from positions.admin.people import roles_prefetch, roles_shown
from positions.models import Actor, Negotiation, ProposalRelation, Stance, Statement, StatusChange
from positions.services import curation, redate
from positions.vocabularies import DatePrecision, ReviewState

ADMIN_VIA = "admin"


class NegotiationFilter(admin.SimpleListFilter):
    """A statement belongs to a negotiation through its source, or through a topic of it."""

    title = "negotiation"
    parameter_name = "negotiation"

    def lookups(self, request, model_admin):
        return [(str(n.pk), n.title) for n in Negotiation.objects.only("pk", "title")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        topic = Statement.topics.through.objects.filter(statement_id=OuterRef("pk"), issue__negotiation=self.value())
        return queryset.filter(Q(document__source__negotiation=self.value()) | Q(Exists(topic)))


class RedateForm(forms.Form):
    said_on = forms.DateField(label="said on", help_text="YYYY-MM-DD; a month or a year is given as its first day.")
    said_precision = forms.ChoiceField(label="precision", choices=DatePrecision.choices, initial=DatePrecision.DAY)


def _changes_table(changes) -> str:
    if not changes:
        return "—"
    rows = format_html_join(
        "",
        "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
        ((name, _shown(old), _shown(new)) for name, old, new in changes),
    )
    return format_html(
        '<table class="desk-changes"><thead><tr><th>field</th><th>the extractor said</th>'
        "<th>the curator decided</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


def _new_speaker(statement) -> str:
    """For a speaker the extractor found and nobody approved yet: its suggested roles and a button approving
    it with them (ActorAdmin's review view, posted by the changelist's own form like the review buttons)."""
    actor = statement.speaker
    if actor is None or actor.review_state != ReviewState.PENDING:
        return ""
    approve = reverse("admin:positions_actor_review", args=[actor.pk, ReviewState.APPROVED])
    return format_html(
        '<div class="desk-new-speaker">New speaker <a href="{}">{}</a>, suggested role: {}. '
        '<button type="submit" class="button desk-approve-actor" formaction="{}" formmethod="post">'
        "Approve {} with this role</button></div>",
        reverse("admin:positions_actor_change", args=[actor.pk]),
        actor.name,
        roles_shown(actor),
        approve,
        actor.name,
    )


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


@admin.register(Statement)
class StatementAdmin(ReviewMixin, PipelineRowMixin, DeskHistoryAdmin):
    class Media:
        css = {"all": ["admin-desk/desk.css"]}

    # The review buttons go second (ReviewMixin); speaker, party, topics, confidence, extractor and document
    # are the line under the quote, so that nothing is off-screen at 1366 px.
    list_display = ["said_on_shown", "statement_shown", "kind"]
    list_display_links = ["said_on_shown"]
    list_editable = ["kind"]
    list_filter = [
        ReviewFilter,
        NegotiationFilter,
        "party",
        "kind",
        "topics",
        "document__source",
        ConfidenceFilter,
        "said_on",
        "said_precision",
        "mode",
        "corrected",
        "proposes_new",
        "extractor_version",
    ]
    list_select_related = ["speaker", "party", "document", "proposal"]
    list_per_page = 50
    search_fields = ["quote", "cue", "speaker__name", "party__name", "document__title"]
    autocomplete_fields = ["document", "speaker", "party", "addressee", "proposal", "topics"]
    date_hierarchy = "said_on"
    actions = ["approve_selected", "reject_selected", "redate_selected"]
    fieldsets = [
        ("Quote", {"fields": ["document", "quote_in_context", "span", "mode"]}),
        ("Attribution", {"fields": ["speaker", "party", "addressee", "cue", ("said_on", "said_precision")]}),
        ("Classification", {"fields": ["kind", "topics", "proposal"]}),
        (
            "Review and provenance",
            {"fields": ["review_state", "corrected", "machine_vs_curated", "extractor_version", "confidence"]},
        ),
        ("More", {"classes": ["collapse"], "fields": ["proposes_new", "created_at"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["document", "quote", "start", "end", "mode"]}),
        ("Attribution", {"fields": ["speaker", "party", "addressee", "cue", ("said_on", "said_precision")]}),
        ("Classification", {"fields": ["kind", "topics", "proposal"]}),
    ]
    # What the extractor made and the review state (changed by approve/reject only) are not edited here.
    machine_fields = [
        "quote_in_context",
        "span",
        "document",
        "review_state",
        "corrected",
        "machine_vs_curated",
        "extractor_version",
        "confidence",
        "proposes_new",
        "created_at",
    ]
    history_list_display = ["review_state", "kind"]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.machine_fields

    def get_queryset(self, request):
        return with_context(super().get_queryset(request)).prefetch_related("topics", roles_prefetch("speaker__roles"))

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if may_review(request, Actor):  # who may approve actors gets the button on a new speaker's statements
            shown = ["statement_for_reviewer" if name == "statement_shown" else name for name in shown]
        return shown

    def changelist_view(self, request, extra_context=None):
        if request.GET.get("review", ReviewState.PENDING) == ReviewState.PENDING:
            extra_context = {"title": "Review queue: statements pending review", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description="quote in its text")
    def quote_in_context(self, obj):
        return quote_in_context(obj)

    @admin.display(description="said on", ordering="said_on")
    def said_on_shown(self, obj):
        return format_html(
            '{}<span class="desk-precision">{}</span>', obj.said_on.isoformat(), obj.get_said_precision_display()
        )

    @admin.display(description="quote in its text; who, topics, confidence, document")
    def statement_shown(self, obj):
        return format_html("{}{}", quote_in_context(obj), self._details(obj))

    @admin.display(description="quote in its text; who, topics, confidence, document")
    def statement_for_reviewer(self, obj):
        return format_html("{}{}{}", quote_in_context(obj), self._details(obj), _new_speaker(obj))

    def _details(self, obj) -> str:
        speaker = obj.speaker.name if obj.speaker else "—"
        if obj.speaker and obj.speaker.review_state == ReviewState.PENDING:
            speaker += " (new, pending)"
        details = [
            ("speaker", speaker),
            ("party", obj.party.name if obj.party else "—"),
            ("topics", self.topic_keys(obj)),
            ("confidence", self.confidence_shown(obj)),
            ("extractor", obj.extractor_version or "—"),
        ]
        return format_html(
            '<div class="desk-details">{}<span class="desk-detail desk-detail-document">document {}</span></div>',
            format_html_join(
                "", '<span class="desk-detail desk-detail-{}">{} <b>{}</b></span>', ((n, n, v) for n, v in details)
            ),
            self.document_link(obj),
        )

    @admin.action(permissions=["review"], description="Re-date selected %(verbose_name_plural)s…")
    def redate_selected(self, request, queryset):
        """A curator's date for the selected statements (an intermediate page asks it); their suggestions follow."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        form = RedateForm(request.POST if request.POST.get("confirm") == "yes" else None)
        if form.is_valid():
            report = redate.statements_redate(
                statements=queryset,
                said_on=form.cleaned_data["said_on"],
                said_precision=form.cleaned_data["said_precision"],
                user=request.user,
            )
            self.message_user(request, f"{report.line()}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Re-date statements",
            "opts": self.model._meta,
            "form": form,
            "statements": queryset.select_related("speaker", "party", "document"),
            "action": "redate_selected",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/positions/statement/redate.html", context)

    @admin.display(description="span")
    def span(self, obj):
        return f"{obj.start}–{obj.end}"

    @admin.display(description="topics")
    def topic_keys(self, obj):
        return ", ".join(t.key for t in obj.topics.all()) or "—"

    @admin.display(description="confidence", ordering="confidence")
    def confidence_shown(self, obj):
        return f"{obj.confidence:.2f}"

    @admin.display(description="document", ordering="document__published")
    def document_link(self, obj):
        url = reverse("admin:positions_document_change", args=[obj.document_id])
        return format_html('<a href="{}">{}</a>', url, obj.document.title)

    @admin.display(description="what the extractor said, where a curator changed it")
    def machine_vs_curated(self, obj):
        if not obj.machine:
            return "entered by a person" if not obj.extractor_version else "not recorded (extracted before it was kept)"
        return _changes_table(obj.machine_changes())

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if "said_on" in data:
            data["said_precision"] = form.cleaned_data["said_precision"]  # as the form shows it beside the date
        if change:
            curation.statement_correct(statement=obj, data=data, user=request.user)
            return
        # A statement a person enters: the service saves it; the admin goes on with the saved row.
        saved = curation.statement_create(data=dict(form.cleaned_data), user=request.user)
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request, form, formsets, change):
        # Topics were saved by the service, inside the correction's one history record.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class RecordedAdmin(ReviewMixin, PipelineRowMixin, DeskHistoryAdmin):
    """Stances, status changes and relations: suggestions show their evidence quotes; provenance is read-only."""

    class Media:
        css = {"all": ["admin-desk/desk.css"]}

    machine_fields = ["review_state", "recorded_at", "recorded_by", "recorded_via", "confidence", "machine_vs_curated"]
    readonly_fields = machine_fields
    autocomplete_fields = ["proposal", "evidence"]
    date_hierarchy = "effective"
    actions = ["approve_selected", "reject_selected"]
    list_per_page = 50
    history_list_display = ["review_state"]
    compared: tuple[str, ...] = ()

    def get_queryset(self, request):
        evidence = with_context(Statement.objects.select_related("document", "speaker", "party"))
        return super().get_queryset(request).prefetch_related(Prefetch("evidence", queryset=evidence))

    @admin.display(description="evidence")
    def evidence_in_context(self, obj):
        quotes = list(obj.evidence.all())
        if not quotes:
            return "—"
        return format_html_join(
            "",
            '<div class="desk-evidence"><strong>{}</strong>{}</div>',
            ((s.speaker or s.party or "", quote_in_context(s)) for s in quotes[:3]),
        )

    @admin.display(description="confidence", ordering="confidence")
    def confidence_shown(self, obj):
        return "—" if obj.confidence is None else f"{obj.confidence:.2f}"

    @admin.display(description="what the extractor suggested, where a curator changed it")
    def machine_vs_curated(self, obj):
        if not obj.machine:
            return "recorded by a person" if not obj.recorded_via.startswith("extractor") else "not recorded"
        now = {name: _current(obj, name) for name in self.compared}
        changes = [(n, obj.machine.get(n), v) for n, v in now.items() if n in obj.machine and obj.machine[n] != v]
        return _changes_table(changes)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if change:
            curation.recorded_correct(row=obj, data=data, user=request.user)
            return
        saved = curation.recorded_create(
            model=self.model, data=dict(form.cleaned_data), user=request.user, via=ADMIN_VIA
        )
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


def _current(obj, name):
    value = getattr(obj, name)
    if name == "party":
        return value.name
    if name in ("from_proposal", "to_proposal"):
        return value.slug
    if name == "effective":
        return value.isoformat()
    return value


@admin.register(StatusChange)
class StatusChangeAdmin(RecordedAdmin):
    list_display = ["proposal", "status", "effective", "evidence_in_context", "confidence_shown", "recorded_via"]
    list_filter = [
        ReviewFilter,
        "proposal__negotiation",
        "status",
        "evidence__document__source",
        ConfidenceFilter,
        "effective",
    ]
    list_select_related = ["proposal"]
    search_fields = ["proposal__title", "note", "evidence__quote"]
    fields = ["proposal", "status", "effective", "evidence", "note", *RecordedAdmin.machine_fields]
    compared = ("status", "effective")

    def changelist_view(self, request, extra_context=None):
        if request.GET.get("review", ReviewState.PENDING) == ReviewState.PENDING:
            extra_context = {"title": "Review queue: suggested status changes", **(extra_context or {})}
        return super().changelist_view(request, extra_context)


@admin.register(Stance)
class StanceAdmin(RecordedAdmin):
    list_display = [
        "party",
        "stance",
        "proposal",
        "effective",
        "evidence_in_context",
        "confidence_shown",
        "recorded_via",
    ]
    list_filter = [
        ReviewFilter,
        "proposal__negotiation",
        "party",
        "stance",
        "evidence__document__source",
        ConfidenceFilter,
        "effective",
    ]
    list_select_related = ["proposal", "party"]
    search_fields = ["proposal__title", "party__name", "note", "evidence__quote"]
    autocomplete_fields = [*RecordedAdmin.autocomplete_fields, "party"]
    fields = ["party", "stance", "proposal", "effective", "evidence", "note", *RecordedAdmin.machine_fields]
    compared = ("party", "stance", "effective")

    def changelist_view(self, request, extra_context=None):
        if request.GET.get("review", ReviewState.PENDING) == ReviewState.PENDING:
            extra_context = {"title": "Review queue: suggested stances", **(extra_context or {})}
        return super().changelist_view(request, extra_context)


@admin.register(ProposalRelation)
class ProposalRelationAdmin(RecordedAdmin):
    list_display = [
        "from_proposal",
        "relation",
        "to_proposal",
        "effective",
        "evidence_in_context",
        "confidence_shown",
        "recorded_via",
    ]
    list_filter = [
        ReviewFilter,
        "from_proposal__negotiation",
        "relation",
        "evidence__document__source",
        ConfidenceFilter,
        "effective",
    ]
    list_select_related = ["from_proposal", "to_proposal"]
    search_fields = ["from_proposal__title", "to_proposal__title", "note", "evidence__quote"]
    autocomplete_fields = ["from_proposal", "to_proposal", "evidence"]
    fields = [
        "from_proposal",
        "relation",
        "to_proposal",
        ("effective", "effective_precision"),
        "evidence",
        "note",
        *RecordedAdmin.machine_fields,
    ]
    compared = ("relation", "effective")

    def changelist_view(self, request, extra_context=None):
        if request.GET.get("review", ReviewState.PENDING) == ReviewState.PENDING:
            extra_context = {"title": "Review queue: suggested relations between proposals", **(extra_context or {})}
        return super().changelist_view(request, extra_context)
