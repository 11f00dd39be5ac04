"""What the curation desk's admin pages share: review (approve/reject) actions and buttons, the review
queue filter, the quote shown in its document's text, and the rule that pipeline rows are not deleted.

Reviewing is the model's change permission, as in the API (`CanReview`); staff without it see the
same pages read-only, with no review buttons or actions, and are refused if they post anyway.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Value
from django.db.models.functions import Greatest, Substr
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from simple_history.admin import SimpleHistoryAdmin

from positions.services import curation
from positions.vocabularies import ReviewState

CONTEXT_CHARS = 240  # of document text shown on each side of a quote


def with_context(statements):
    """Statements with the document text around each quote, cut in SQL: the whole text never leaves the database."""
    before_start = Greatest(F("start") - CONTEXT_CHARS, Value(0))
    return statements.defer("document__text", "document__minhash").annotate(
        context_before=Substr("document__text", before_start + 1, F("start") - before_start),
        context_after=Substr("document__text", F("end") + 1, CONTEXT_CHARS),
    )


def quote_in_context(statement) -> str:
    """The quote highlighted inside its surrounding text; every piece is escaped (the text is from the web)."""
    before = getattr(statement, "context_before", None)
    after = getattr(statement, "context_after", None)
    if before is None or after is None:
        text = statement.document.text
        before = text[max(0, statement.start - CONTEXT_CHARS) : statement.start]
        after = text[statement.end : statement.end + CONTEXT_CHARS]
    lead = "…" if statement.start > len(before) else ""
    tail = "…" if len(after) == CONTEXT_CHARS else ""
    return format_html(
        '<div class="desk-context">{}{}<mark class="desk-quote">{}</mark>{}{}</div>',
        lead,
        before,
        statement.quote,
        after,
        tail,
    )


class ReviewFilter(admin.SimpleListFilter):
    """The queue by default: pending rows; the other states one click away."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            (ReviewState.PENDING, "pending (the queue)"),
            (ReviewState.APPROVED, "approved"),
            (ReviewState.REJECTED, "rejected"),
            ("all", "all"),
        ]

    def value(self):
        return super().value() or ReviewState.PENDING

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(review_state=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ConfidenceFilter(admin.SimpleListFilter):
    title = "confidence"
    parameter_name = "confidence"
    BANDS = {"low": (0.0, 0.5), "medium": (0.5, 0.8), "high": (0.8, 1.01)}

    def lookups(self, request, model_admin):
        return [("low", "low (< 0.5)"), ("medium", "medium (0.5–0.8)"), ("high", "high (≥ 0.8)")]

    def queryset(self, request, queryset):
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        return queryset.filter(confidence__gte=band[0], confidence__lt=band[1])


def may_review(request, model) -> bool:
    opts = model._meta.concrete_model._meta
    return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


class ReviewMixin:
    """Approve and reject: bulk actions, one-click buttons on each row and on the change form, and keys for
    the buttons (admin-desk/queue.js: an enhancement, the buttons work without it)."""

    change_form_template = "admin/positions/review_change_form.html"
    change_list_template = "admin/positions/review_change_list.html"

    @property
    def media(self):
        return super().media + forms.Media(js=["admin-desk/queue.js"])

    def has_review_permission(self, request) -> bool:
        return may_review(request, self.model)

    def get_urls(self):
        opts = self.model._meta
        review = path(
            "<path:object_id>/review/<str:state>/",
            self.admin_site.admin_view(self.review_view),
            name=f"{opts.app_label}_{opts.model_name}_review",
        )
        return [review, *super().get_urls()]

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if self.has_review_permission(request):
            shown.insert(1, "review_buttons")  # next to the row's link, visible however wide the table
        return shown

    @admin.display(description="review")
    def review_buttons(self, obj):
        # Buttons of the changelist's own form (nested forms are not HTML): `formaction` posts it,
        # with its CSRF token, to the review view instead.
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_review", args=[obj.pk, "STATE"])
        approve = url.replace("STATE", ReviewState.APPROVED)
        reject = url.replace("STATE", ReviewState.REJECTED)
        if obj.review_state == ReviewState.PENDING:
            return format_html(
                '<button type="submit" class="button desk-approve" formaction="{}" formmethod="post">Approve</button> '
                '<button type="submit" class="button desk-reject" formaction="{}" formmethod="post">Reject</button>',
                approve,
                reject,
            )
        return format_html('<span class="desk-state desk-state-{}">{}</span>', obj.review_state, obj.review_state)

    def review_view(self, request, object_id, state):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_review_permission(request):
            raise PermissionDenied
        if state not in ReviewState.values:
            raise Http404
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        self.message_user(request, self.review_one(request, obj, state), messages.SUCCESS)
        back = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    @admin.action(permissions=["review"], description="Approve selected %(verbose_name_plural)s")
    def approve_selected(self, request, queryset):
        self._review_many(request, queryset, ReviewState.APPROVED)

    @admin.action(permissions=["review"], description="Reject selected %(verbose_name_plural)s")
    def reject_selected(self, request, queryset):
        self._review_many(request, queryset, ReviewState.REJECTED)

    def _review_many(self, request, queryset, state):
        if not self.has_review_permission(request):
            raise PermissionDenied  # get_actions already hides it; a forged post is refused here too
        self.message_user(request, self.review_many(request, queryset, state), messages.SUCCESS)

    def review_one(self, request, obj, state) -> str:
        """Set one row's review state; what to tell the curator. An admin with more to do overrides it."""
        curation.review_set(row=obj, state=state, user=request.user)
        return f"{obj}: {ReviewState(state).label}."

    def review_many(self, request, queryset, state) -> str:
        count = curation.rows_review(rows=queryset, state=state, user=request.user)
        return f"{count} {self.model._meta.verbose_name_plural}: {state}."

    def changelist_view(self, request, extra_context=None):
        extra = {"may_review": self.has_review_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"may_review": self.has_review_permission(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=extra)


class DeskHistoryAdmin(SimpleHistoryAdmin):
    """History with diffs, read-only: reverting would bypass the services that record why."""

    def revert_disabled(self, request, obj=None):
        return True


class PipelineRowMixin:
    """Rows the pipeline made are rejected, never deleted: extracting again would bring them back."""

    def has_delete_permission(self, request, obj=None):
        return False
