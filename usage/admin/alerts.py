"""Alerts in the provider console: the open and resolved alerts, with where they go, how often
they are checked and the thresholds above the list; "Check now"; and the thresholds' page
(with the latency thresholds per task and tier inline)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from solo.admin import SingletonModelAdmin

from core.admin_filters import OpenOrResolved
from orchestrator.admin_console import WIDE, ProviderAdminsOnly, ReadOnly, badge
from orchestrator.admin_services import is_provider_admin
from orchestrator.schedule import scheduled_runs
from usage.alerts import alert_recipients, alert_resolve, alert_thresholds, alerts_check
from usage.models import Alert, AlertChannel, AlertThresholds, LatencyThreshold

from .alert_channels import LatencyThresholdInline, delivery_summary, short_number, short_time

# The periodic job whose last run the alert list shows (usage/periodic.py).
ALERT_CHECK_JOB = "usage.alerts_check"


@admin.register(Alert)
class AlertAdmin(ProviderAdminsOnly, ReadOnly, admin.ModelAdmin):
    list_display = ["what", "state", "message", "measured", "seen", "notified", "deliveries"]
    list_filter = [OpenOrResolved, "kind"]
    search_fields = ["subject", "message"]
    actions = ["resolve"]

    def get_urls(self):
        return [
            path(
                "check/",
                self.admin_site.admin_view(self.check_view),
                name="usage_alert_check",
            ),
            *super().get_urls(),
        ]

    def check_view(self, request):
        return alerts_check_now(request, model_admin=self)

    def changelist_view(self, request, extra_context=None):
        # Above the list: where alerts go, how often they are checked, the thresholds.
        extra_context = {
            **(extra_context or {}),
            **alert_setup(request),
            **WIDE,
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="State")
    def state(self, alert):
        return badge("open", "#c62828") if alert.is_open else badge("resolved", "#616161")

    # Short columns: the list fits 1400 px with the message column readable.
    @admin.display(description="Alert", ordering="subject")
    def what(self, alert):
        return format_html(
            "{}<br><span class='quiet'>{}</span>", alert.subject, alert.get_kind_display()
        )

    @admin.display(description="Value")
    def measured(self, alert):
        if alert.threshold is None:
            return short_number(alert.value)
        return format_html(
            "{}<br><span class='quiet'>limit {}</span>",
            short_number(alert.value),
            short_number(alert.threshold),
        )

    @admin.display(description="Seen (UTC)", ordering="last_seen")
    def seen(self, alert):
        first, last = short_time(alert.first_seen), short_time(alert.last_seen)
        return first if first == last else format_html("{}<br>to {}", first, last)

    @admin.display(description="Notified", ordering="notified_at")
    def notified(self, alert):
        return short_time(alert.notified_at)

    @admin.display(description="Sent to")
    def deliveries(self, alert):
        return delivery_summary(alert)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deliveries__channel")

    @admin.action(description="Resolve", permissions=["change"])
    def resolve(self, request, queryset):
        count = alert_resolve(alerts=queryset)
        self.message_user(request, f"Resolved {count} alert(s).", messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        # Read-only pages, but the resolve action needs a change permission.
        return (
            obj is None
            and is_provider_admin(request.user)
            and request.user.has_perm("usage.change_alert")
        )


@admin.register(AlertThresholds)
class AlertThresholdsAdmin(ProviderAdminsOnly, SingletonModelAdmin):
    inlines = [LatencyThresholdInline]
    fieldsets = [
        (
            "Alert when",
            {"fields": ["error_rate", "p95_latency_ms", "cost_spike_factor", "quota_refusals"]},
        ),
        ("Counted over", {"fields": ["window_minutes", "min_calls"]}),
        ("Notifications", {"fields": ["repeat_hours"]}),
    ]

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" in request.POST:
            return response
        return redirect("admin:usage_alert_changelist")  # where they are shown


@require_POST
def alerts_check_now(request: HttpRequest, *, model_admin) -> HttpResponse:
    if not is_provider_admin(request.user):
        raise PermissionDenied
    open_alerts = alerts_check()
    messages.info(request, f"Alert check done: {len(open_alerts)} open alert(s).")
    return redirect("admin:usage_alert_changelist")


def alert_setup(request: HttpRequest) -> dict[str, Any]:
    """What the alert list says above the alerts: where they go, who checks them how often,
    and the thresholds in force."""
    thresholds = alert_thresholds()
    shown = {
        "error_rate": f"{thresholds.error_rate:.1%}",
        "p95_latency_ms": f"{thresholds.p95_latency_ms:,} ms",
        "cost_spike_factor": f"{thresholds.cost_spike_factor:g}×",
        "quota_refusals": f"{thresholds.quota_refusals:,}",
        "window_minutes": f"{thresholds.window_minutes:,} min",
        "min_calls": f"{thresholds.min_calls:,}",
        "repeat_hours": f"{thresholds.repeat_hours:g} h",
    }
    last_run = scheduled_runs().get(ALERT_CHECK_JOB) if settings.EMBEDDED_SCHEDULE else None
    return {
        "alert_recipients": alert_recipients(),
        "alert_channels": list(AlertChannel.objects.all()),
        "alert_mail_to_console": settings.EMAIL_BACKEND.endswith("console.EmailBackend"),
        "alert_check_seconds": settings.ALERT_CHECK_SECONDS,
        "alert_checked_here": settings.EMBEDDED_SCHEDULE,
        "alert_last_run": last_run,
        "alert_thresholds": [
            (AlertThresholds._meta.get_field(name).verbose_name, value)
            for name, value in shown.items()
        ]
        + [
            (f"p95 latency of {t.task} ({t.tier}) above", f"{t.p95_latency_ms:,} ms")
            for t in LatencyThreshold.objects.all()
        ],
        "alert_thresholds_editable": is_provider_admin(request.user)
        and request.user.has_perm("usage.change_alertthresholds"),
    }
