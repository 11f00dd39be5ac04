"""Who and what: negotiations, issues, parties, actors (reviewed, merged) and proposals (merged),
each with its history."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from positions.admin.base import DeskHistoryAdmin, ReviewFilter, ReviewMixin
from positions.models import Actor, Issue, Negotiation, Party, Proposal, Role, Stance, Statement, StatusChange
from positions.services import merge, people
from positions.vocabularies import ReviewState

EVIDENCE_SHOWN = 10  # statements shown on a speaker's page as the evidence for it and its roles


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
class PartyAdmin(DeskHistoryAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases", "metonyms"]
    prepopulated_fields = {"slug": ["name"]}


class MergeMixin:
    """An admin action merging the selected rows into one the curator picks, after a confirmation page."""

    merge_service = None  # a function (*, keep, merged, user) -> MergeReport
    merge_counts: dict[str, str] = {}  # label -> reverse relation counted on the confirmation page

    def has_merge_permission(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.merge_{opts.model_name}")

    @admin.action(permissions=["merge"], description="Merge selected %(verbose_name_plural)s…")
    def merge_selected(self, request, queryset):
        if not self.has_merge_permission(request):
            raise PermissionDenied
        counts = {f"n_{relation}": Count(relation, distinct=True) for relation in self.merge_counts.values()}
        rows = list(queryset.annotate(**counts))
        if len(rows) < 2:
            self.message_user(request, "Select two or more to merge.", messages.WARNING)
            return None
        if request.POST.get("confirm") == "yes":
            keep = next((r for r in rows if str(r.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, "Choose the one to keep.", messages.ERROR)
            else:
                try:
                    with transaction.atomic():
                        reports = [
                            type(self).merge_service(keep=keep, merged=row, user=request.user)
                            for row in rows
                            if row.pk != keep.pk
                        ]
                except merge.MergeError as exc:
                    self.message_user(request, f"Nothing merged: {exc}", messages.ERROR)
                    return None
                for report in reports:
                    self.message_user(request, f"Merged into {keep}: {report.line()}.", messages.SUCCESS)
                return None
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {opts.verbose_name_plural}",
            "opts": opts,
            "rows": [
                (row, [(label, getattr(row, f"n_{rel}")) for label, rel in self.merge_counts.items()]) for row in rows
            ],
            "action": "merge_selected",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/positions/merge_confirmation.html", context)


def roles_prefetch(lookup: str) -> Prefetch:
    """The roles `roles_shown` reads, with their parties, in one query for a whole page."""
    return Prefetch(lookup, queryset=Role.objects.select_related("party").order_by("start"))


def roles_shown(actor) -> str:
    """An actor's roles in one line (for a pending actor, the extractor's suggestions); from prefetched roles."""
    roles = [
        f"{r.title}, {r.party} (from {r.start.isoformat()}{'' if r.speaks_for_party else '; a domestic voice'})"
        for r in actor.roles.all()
    ]
    return "; ".join(roles) or "—"


class ActorReviewFilter(ReviewFilter):
    """Actors are listed whatever their state unless a curator narrows it: most are the seed's, approved."""

    def value(self):
        return admin.SimpleListFilter.value(self) or "all"


class RoleInline(admin.TabularInline):
    """An actor's posts. For a pending actor these are the extractor's suggestions, to correct before
    approving it: approval makes them real."""

    model = Role
    extra = 0
    fields = ["party", "title", "start", "end", "speaks_for_party"]
    autocomplete_fields = ["party"]


@admin.register(Actor)
class ActorAdmin(MergeMixin, ReviewMixin, DeskHistoryAdmin):
    """Speakers; the extractor's new ones arrive pending with the roles their words suggest and the statements
    that are their evidence, to approve (which extracts their documents again), reject or merge into a known
    actor."""

    class Media:
        css = {"all": ["admin-desk/desk.css"]}

    list_display = ["name", "kind", "alias_list", "role_list", "statement_count", "review_state"]
    list_filter = [ActorReviewFilter, "kind"]
    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "kind", "aliases", "review_state", "evidence"]
    readonly_fields = ["review_state", "evidence"]
    inlines = [RoleInline]
    actions = ["approve_selected", "reject_selected", "merge_selected"]
    merge_service = merge.actors_merge
    merge_counts = {"statements": "statements", "roles": "roles"}

    def get_queryset(self, request):
        said = Count("statements", distinct=True)
        return super().get_queryset(request).prefetch_related(roles_prefetch("roles")).annotate(statement_total=said)

    @admin.display(description="aliases")
    def alias_list(self, obj):
        return ", ".join(obj.aliases) or "—"

    @admin.display(description="roles")
    def role_list(self, obj):
        return roles_shown(obj)

    @admin.display(description="statements", ordering="statement_total")
    def statement_count(self, obj):
        return obj.statement_total

    @admin.display(description="evidence")
    def evidence(self, obj):
        """What the actor said, newest first, each quote linking to its document."""
        if obj is None or obj.pk is None:
            return "—"
        said = (
            Statement.objects.filter(speaker=obj)
            .select_related("document")
            .defer("document__text", "document__minhash")
            .order_by("-said_on", "-pk")[:EVIDENCE_SHOWN]
        )
        rows = format_html_join(
            "",
            '<li>{} <a href="{}">“{}”</a> <span class="desk-meta">— {}</span></li>',
            (
                (
                    s.said_on.isoformat(),
                    reverse("admin:positions_document_change", args=[s.document_id]),
                    Truncator(s.quote).chars(160),
                    s.document.title or s.document.publisher,
                )
                for s in said
            ),
        )
        total = Statement.objects.filter(speaker=obj).count()
        more = f"{total} statements in all" if total > EVIDENCE_SHOWN else ""
        return format_html('<ul class="desk-said">{}</ul>{}', rows, more) if total else "No statements."

    def review_one(self, request, obj, state) -> str:
        report = people.actors_review(actors=Actor.objects.filter(pk=obj.pk), state=state, user=request.user)
        return f"{obj}: {ReviewState(state).label}; {report.line()}."

    def review_many(self, request, queryset, state) -> str:
        return f"{state}: {people.actors_review(actors=queryset, state=state, user=request.user).line()}."

    def has_delete_permission(self, request, obj=None):
        # The extractor's actors are rejected or merged, not deleted (it would make them again).
        if obj is not None and obj.review_state != ReviewState.APPROVED:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Role)
class RoleAdmin(DeskHistoryAdmin):
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
    readonly_fields = ["review_state"]
    show_change_link = True
    can_delete = False


class StanceInline(admin.TabularInline):
    model = Stance
    extra = 0
    fields = ["effective", "party", "stance", "review_state", "note"]
    readonly_fields = ["review_state"]
    autocomplete_fields = ["party"]
    show_change_link = True
    can_delete = False


@admin.register(Proposal)
class ProposalAdmin(MergeMixin, DeskHistoryAdmin):
    list_display = ["title", "issue", "proponent", "kind", "first_stated"]
    list_filter = ["negotiation", "kind", "proponent", "issue"]
    list_select_related = ["issue", "proponent"]
    search_fields = ["title", "slug", "description"]
    autocomplete_fields = ["issue", "proponent"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StatusChangeInline, StanceInline]
    actions = ["merge_selected"]
    merge_service = merge.proposals_merge
    merge_counts = {"statements": "statements", "stances": "stances", "status changes": "status_changes"}
