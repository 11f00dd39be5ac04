"""The admin: every model with search, filters and useful columns (the curation desk builds on it)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect, render
from django.urls import path

from positions.models import (
    Actor,
    Document,
    IngestRun,
    Issue,
    Item,
    Negotiation,
    Party,
    Proposal,
    Role,
    Source,
    Stance,
    Statement,
    StatusChange,
    WorkerHeartbeat,
)
from positions.services.ingest import upload_ingest


@admin.register(Negotiation)
class NegotiationAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "started", "ended"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["parties"]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "negotiation", "parent"]
    list_filter = ["negotiation"]
    list_select_related = ["negotiation", "parent"]
    search_fields = ["key", "title", "description"]
    autocomplete_fields = ["parent"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["party"]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "review_state"]
    list_filter = ["kind", "review_state"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["actor", "title", "party", "start", "end", "speaks_for_party"]
    list_filter = ["speaks_for_party", "party"]
    list_select_related = ["actor", "party"]
    search_fields = ["actor__name", "title", "party__name"]
    autocomplete_fields = ["actor", "party"]
    date_hierarchy = "start"


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["effective", "status", "review_state", "note"]
    show_change_link = True


class StanceInline(admin.TabularInline):
    model = Stance
    extra = 0
    fields = ["effective", "party", "stance", "review_state", "note"]
    autocomplete_fields = ["party"]
    show_change_link = True


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "issue", "proponent", "kind", "first_stated"]
    list_filter = ["negotiation", "kind", "proponent", "issue"]
    list_select_related = ["issue", "proponent"]
    search_fields = ["title", "slug", "description"]
    autocomplete_fields = ["issue", "proponent"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StatusChangeInline, StanceInline]


class RecordedAdmin(admin.ModelAdmin):
    """Shared by status changes and stances: provenance is the machine's, not an editable field."""

    list_filter = ["review_state", "proposal__negotiation"]
    readonly_fields = ["recorded_at", "recorded_by", "recorded_via"]
    autocomplete_fields = ["proposal", "evidence"]
    date_hierarchy = "effective"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(StatusChange)
class StatusChangeAdmin(RecordedAdmin):
    list_display = ["proposal", "status", "effective", "review_state", "recorded_via"]
    list_filter = ["status", *RecordedAdmin.list_filter]
    list_select_related = ["proposal"]
    search_fields = ["proposal__title", "note"]


@admin.register(Stance)
class StanceAdmin(RecordedAdmin):
    list_display = ["proposal", "party", "stance", "effective", "review_state", "recorded_via"]
    list_filter = ["stance", "party", *RecordedAdmin.list_filter]
    list_select_related = ["proposal", "party"]
    search_fields = ["proposal__title", "party__name", "note"]
    autocomplete_fields = [*RecordedAdmin.autocomplete_fields, "party"]


# Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "kind", "is_active", "paused_reason", "last_success_at", "failures_in_row", "next_poll_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "url", "path"]
    readonly_fields = [
        "etag",
        "last_modified",
        "polling_since",
        "last_polled_at",
        "last_success_at",
        "last_error_at",
        "last_error",
        "failures_in_row",
    ]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    """What each source listed and what became of it; errors say where and why."""

    list_display = ["__str__", "source", "state", "stage", "error", "attempts", "created_at"]
    list_filter = ["state", "stage", "source"]
    list_select_related = ["source"]
    search_fields = ["key", "url", "title", "error"]
    readonly_fields = [f.name for f in Item._meta.fields]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, each checked as FileField checks one (Django's documented way)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.text,.html,.htm"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class UploadForm(forms.Form):
    files = MultipleFileField(help_text="Plain-text or HTML files: articles, transcripts, statements.")

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.FETCH_MAX_DECOMPRESSED
        too_big = [f.name for f in files if f.size > limit]
        if too_big:
            raise forms.ValidationError(f"over the {limit:,}-byte limit: {', '.join(too_big)}")
        return files


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    change_list_template = "admin/positions/document/change_list.html"

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name="positions_document_upload")
        return [upload, *super().get_urls()]

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            run = upload_ingest(files=[(f.name, f.read()) for f in form.cleaned_data["files"]])
            level = messages.SUCCESS if not run.failed else messages.WARNING
            self.message_user(
                request,
                f"{run.seen} files: {run.new} new documents, {run.duplicate} already stored, "
                f"{run.no_text} without text, {run.failed} failed.",
                level,
            )
            for error in run.errors:
                self.message_user(request, f"{error['url']}: {error['message']}", messages.ERROR)
            return redirect("admin:positions_document_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta, "title": "Upload"}
        return render(request, "admin/positions/document/upload.html", context)

    list_display = ["title", "publisher", "published", "excerpt", "source"]
    list_filter = ["excerpt", "language", "source"]
    list_select_related = ["source"]
    search_fields = ["title", "publisher", "url"]
    readonly_fields = ["content_hash", "near_duplicate_of", "fetched_at", "created_at"]
    date_hierarchy = "published"


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["short_quote", "speaker", "party", "kind", "mode", "said_on", "review_state"]
    list_filter = ["review_state", "kind", "mode", "proposes_new", "party", "topics"]
    list_select_related = ["speaker", "party"]
    search_fields = ["quote", "speaker__name", "document__title"]
    autocomplete_fields = ["document", "speaker", "party", "addressee", "proposal", "topics"]
    readonly_fields = ["extractor_version", "confidence", "proposes_new", "created_at"]
    date_hierarchy = "said_on"

    @admin.display(description="quote")
    def short_quote(self, obj):
        return obj.quote if len(obj.quote) <= 90 else obj.quote[:89] + "…"


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "source", "trigger", "seen", "known", "new", "duplicate", "no_text", "failed"]
    list_filter = ["trigger", "source"]
    list_select_related = ["source"]
    search_fields = ["source__name"]
    readonly_fields = [f.name for f in IngestRun._meta.fields]
    date_hierarchy = "started_at"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "beat_at"]
    search_fields = ["worker"]
    readonly_fields = ["worker", "beat_at"]
