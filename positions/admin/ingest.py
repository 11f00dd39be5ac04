"""Ingest monitoring: sources with their health and "poll now", ingest runs with their errors, items,
documents with "extract again" and the upload of files.

Pipeline rows (documents, items, runs) are read-only records: never deleted from here.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from positions.admin.base import PipelineRowMixin
from positions.models import Document, IngestRun, Item, Negotiation, Source, Statement, WorkerHeartbeat
from positions.services.ingest import Given, upload_refusal, upload_store
from positions.services.redate import document_redate

# Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def _queue(task, *args) -> None:
    """Send a task once the admin's transaction has committed, so the worker sees what the request wrote."""
    transaction.on_commit(lambda: task.delay(*args))


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["admin-desk/desk.css"]}

    formfield_overrides = URL_FIELDS
    list_display = ["name", "kind", "health", "last_success_at", "last_error_at", "failures_in_row", "next_poll_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "url", "path", "last_error"]
    readonly_fields = [
        "health",
        "etag",
        "last_modified",
        "polling_since",
        "last_polled_at",
        "last_success_at",
        "last_error_at",
        "last_error",
        "failures_in_row",
    ]
    actions = ["poll_now"]

    @admin.display(description="health")
    def health(self, obj):
        if not obj.is_active:
            state, label = "off", "switched off"
        elif obj.paused:
            state, label = "paused", f"paused: {obj.paused_reason}"
        elif obj.failures_in_row:
            state, label = "failing", f"failing ({obj.failures_in_row} in a row): {obj.last_error[:120]}"
        elif obj.last_success_at is None:
            state, label = "new", "not polled yet"
        else:
            state, label = "ok", "ok"
        return format_html('<span class="desk-health desk-health-{}">{}</span>', state, label)

    @admin.action(permissions=["change"], description="Poll now")
    def poll_now(self, request, queryset):
        from positions.tasks import poll_source

        sources = list(queryset.exclude(kind="upload").only("pk"))
        for source in sources:
            _queue(poll_source, source.pk, "admin")
        self.message_user(request, f"{len(sources)} sources queued for polling.", messages.SUCCESS)


@admin.register(Item)
class ItemAdmin(PipelineRowMixin, admin.ModelAdmin):
    """What each source listed and what became of it; errors say where and why."""

    list_display = ["__str__", "source", "state", "stage", "error", "attempts", "created_at"]
    list_filter = ["state", "stage", "source"]
    list_select_related = ["source"]
    search_fields = ["key", "url", "title", "error"]
    readonly_fields = [f.name for f in Item._meta.fields]

    def has_add_permission(self, request):
        return False


class FailedItemInline(admin.TabularInline):
    model = Item
    fields = ["title", "url", "stage", "error", "attempts"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "items that failed"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state="failed")


@admin.register(IngestRun)
class IngestRunAdmin(PipelineRowMixin, admin.ModelAdmin):
    class Media:
        css = {"all": ["admin-desk/desk.css"]}

    list_display = [
        "started_at", "source", "trigger", "seen", "known", "new", "duplicate", "no_text", "failed", "error_count",
    ]  # fmt: skip
    list_filter = ["trigger", "source"]
    list_select_related = ["source"]
    search_fields = ["source__name"]
    readonly_fields = [f.name for f in IngestRun._meta.fields if f.name != "errors"] + ["error_table"]
    exclude = ["errors"]
    date_hierarchy = "started_at"
    inlines = [FailedItemInline]

    def has_add_permission(self, request):
        return False

    @admin.display(description="errors")
    def error_count(self, obj):
        return len(obj.errors or [])

    @admin.display(description="errors")
    def error_table(self, obj):
        if not obj.errors:
            return "none"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((e.get("url", ""), e.get("stage", ""), e.get("message", "")) for e in obj.errors),
        )
        return format_html(
            '<table class="desk-errors"><thead><tr><th>url</th><th>stage</th><th>message</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            rows,
        )


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
    """The files, and what the uploader says of them (as `manage.py ingest` takes it): it wins over what
    is read from them, for the documents this upload adds."""

    files = MultipleFileField(help_text="Plain-text, HTML or PDF files: articles, transcripts, statements.")
    published = forms.DateField(
        required=False, help_text="YYYY-MM-DD: the day they were published, if their text does not say it."
    )
    title = forms.CharField(required=False, max_length=500, help_text="The document's title (one file only).")
    publisher = forms.CharField(required=False, max_length=200, help_text="Who published them (shown publicly).")
    negotiation = forms.ModelChoiceField(
        queryset=Negotiation.objects.order_by("title"),
        required=False,
        help_text="File them under this negotiation: their topics come from its issues.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        refusal = upload_refusal(files=files)
        if refusal:
            raise forms.ValidationError(refusal)
        return files

    def clean_published(self):
        day = self.cleaned_data["published"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("That day is still to come.")
        return day

    def clean(self):
        data = super().clean()
        if data.get("title") and len(data.get("files") or []) > 1:
            self.add_error("title", "A title names one document: upload one file with it.")
        return data

    def given(self) -> Given:
        data = self.cleaned_data
        return Given(title=data["title"].strip(), published=data["published"], publisher=data["publisher"].strip())


class StatementInline(admin.TabularInline):
    model = Statement
    fields = ["quote", "speaker", "party", "kind", "review_state"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "party")


@admin.register(Document)
class DocumentAdmin(PipelineRowMixin, admin.ModelAdmin):
    class Media:
        css = {"all": ["admin-desk/desk.css"]}

    formfield_overrides = URL_FIELDS
    change_list_template = "admin/positions/document/change_list.html"
    change_form_template = "admin/positions/document/change_form.html"
    list_display = ["title", "publisher", "published", "statement_count", "excerpt", "source"]
    list_filter = ["excerpt", "language", "source"]
    list_select_related = ["source"]
    search_fields = ["title", "publisher", "url"]
    # Statements point into the text by offsets: the text and what was fetched are the pipeline's.
    readonly_fields = ["source", "url", "text", "content_hash", "near_duplicate_of", "fetched_at", "created_at"]
    exclude = ["minhash"]
    date_hierarchy = "published"
    actions = ["extract_again"]
    inlines = [StatementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(statement_total=Count("statements"))

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["content_hash", "fetched_at", "created_at"]

    def save_model(self, request, obj, form, change):
        redated = change and "published" in form.changed_data
        published = obj.published
        if redated:
            obj.published = form.initial["published"]  # the service sets it, and re-dates what follows it
        super().save_model(request, obj, form, change)
        if redated:
            report = document_redate(document=obj, published=published, user=request.user)
            self.message_user(request, f"{obj}: {report.line()}.", messages.INFO)

    @admin.display(description="statements", ordering="statement_total")
    def statement_count(self, obj):
        return obj.statement_total

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="positions_document_upload"),
            path("<path:object_id>/extract/", view(self.extract_view), name="positions_document_extract"),
            *super().get_urls(),
        ]

    @admin.action(permissions=["change"], description="Extract statements again")
    def extract_again(self, request, queryset):
        from positions.tasks import extract_document

        ids = list(queryset.values_list("pk", flat=True))
        for document_id in ids:
            _queue(extract_document, document_id)
        self.message_user(request, f"{len(ids)} documents queued for extraction.", messages.SUCCESS)

    def extract_view(self, request, object_id):
        from positions.tasks import extract_document

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        document = self.get_object(request, object_id)
        if document is None:
            raise Http404
        _queue(extract_document, document.pk)
        self.message_user(request, f"{document}: queued for extraction; curated statements are kept.", messages.SUCCESS)
        return redirect(reverse("admin:positions_document_change", args=[document.pk]))

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = upload_store(
                files=[(f.name, f.read()) for f in form.cleaned_data["files"]],
                given=form.given(),
                negotiation=form.cleaned_data["negotiation"],
            )
            run = upload.run
            items = reverse("admin:positions_item_changelist") + f"?run__id__exact={run.pk}"
            self.message_user(
                request,
                format_html(
                    '{} files: {} queued for the worker, {} uploaded before. <a href="{}">Follow them in Items</a>.',
                    run.seen,
                    run.seen - run.known,
                    run.known,
                    items,
                ),
                messages.SUCCESS,
            )
            if run.known and form.given().as_json():
                self.message_user(
                    request,
                    f"{run.known} of these were uploaded before: the date, title and publisher apply to new "
                    "documents only (correct the others here).",
                    messages.WARNING,
                )
            follow = request.user.has_perm("positions.view_item")
            return redirect(items if follow else "admin:positions_document_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta, "title": "Upload"}
        return render(request, "admin/positions/document/upload.html", context)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "beat_at"]
    search_fields = ["worker"]
    readonly_fields = ["worker", "beat_at"]
