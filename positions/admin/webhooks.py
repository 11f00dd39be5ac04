"""Webhooks at the desk: subscriptions with their state and why one was paused, resume and pause as actions,
and the delivery log with every attempt. Deliveries are a record: read-only, never added by hand."""

from django.contrib import admin, messages
from django.utils.html import format_html

from positions.admin.base import DeskHistoryAdmin
from positions.models import Delivery, DeliveryAttempt, Subscription
from positions.services import webhooks

PAUSED_BY_DESK = "Paused by a curator at the desk."


@admin.register(Subscription)
class SubscriptionAdmin(DeskHistoryAdmin):
    list_display = ["id", "owner", "follows", "target_url", "state", "failing_since", "created_at"]
    list_filter = ["active"]
    list_select_related = ["owner", "negotiation", "party", "proposal"]
    search_fields = ["target_url", "owner__username", "paused_reason"]
    # Created through the API only (the target is checked there); the secret is never shown here.
    fields = [
        "owner",
        "target_url",
        "negotiation",
        "party",
        "proposal",
        "active",
        "paused_at",
        "paused_reason",
        "failing_since",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["resume_selected", "pause_selected"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="follows")
    def follows(self, obj):
        return obj.follows_label

    @admin.display(description="state")
    def state(self, obj):
        if obj.active:
            label = "failing" if obj.failing_since else "active"
            return format_html(
                '<span class="desk-health desk-health-{}">{}</span>', "failing" if obj.failing_since else "ok", label
            )
        return format_html('<span class="desk-health desk-health-paused">paused: {}</span>', obj.paused_reason)

    @admin.action(permissions=["change"], description="Resume the selected subscriptions")
    def resume_selected(self, request, queryset):
        paused = list(queryset.filter(active=False))
        for subscription in paused:
            webhooks.subscription_resume(subscription=subscription, user=request.user)
        self.message_user(request, f"{len(paused)} subscriptions resumed.", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Pause the selected subscriptions")
    def pause_selected(self, request, queryset):
        active = list(queryset.filter(active=True))
        for subscription in active:
            webhooks.subscription_pause(subscription=subscription, reason=PAUSED_BY_DESK, user=request.user)
        self.message_user(request, f"{len(active)} subscriptions paused.", messages.SUCCESS)


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["number", "at", "status_code", "error", "response_excerpt", "duration_ms"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "subscription", "event_type", "state", "attempts", "created_at", "finished_at"]
    list_filter = ["state", "event_type"]
    list_select_related = ["subscription"]
    search_fields = ["event_key", "subscription__target_url"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    date_hierarchy = "created_at"
    inlines = [AttemptInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
