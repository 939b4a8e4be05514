"""Quota holds in the admin: what calls in flight hold, and a release for one whose process
died (the reaper does the same once a hold expires). Here rather than in billing's admin: a
release writes the call's usage row, which is this app's."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from billing.models import QuotaHold

from .reaper import hold_abandon


@admin.register(QuotaHold)
class QuotaHoldAdmin(admin.ModelAdmin):
    list_display = [
        "request_id",
        "user",
        "task_type",
        "provider_type",
        "model",
        "tokens",
        "cost_usd",
        "owner",
        "created_at",
        "expires_at",
        "expired",
    ]
    list_filter = ["task_type", "provider_type"]
    search_fields = ["request_id", "user__username", "owner"]
    list_select_related = ["user"]
    actions = ["release"]

    @admin.display(boolean=True, description="Expired")
    def expired(self, hold: QuotaHold) -> bool:
        return hold.expires_at < timezone.now()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a hold goes only through a release, which settles its counters

    def has_release_permission(self, request) -> bool:
        return request.user.has_perm("billing.delete_quotahold")

    @admin.action(
        description="Release the selected holds (their calls are logged as abandoned)",
        permissions=["release"],
    )
    def release(self, request, queryset):
        released = sum(hold_abandon(request_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            f"Released {released} hold(s); each call is in the usage log as ABANDONED, "
            "with the tokens it sent counted.",
            messages.SUCCESS,
        )
