"""The provider console's usage pages: the usage log with its dashboard and CSV export, alerts
and their thresholds. Provider admins only, like the rest of the console (orchestrator.admin).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from solo.admin import SingletonModelAdmin

from core.admin_filters import OpenOrResolved
from orchestrator.admin import ProviderAdminsOnly, ReadOnly, _badge
from orchestrator.admin_services import is_provider_admin
from orchestrator.models import UsageLog
from usage.models import Alert, AlertThresholds

from . import admin_views, log_pages, provider_admin  # noqa: F401 - registers the provider list
from .admin_alerts import LatencyThresholdInline, delivery_summary, short_number, short_time
from .alerts import alert_resolve


@admin.register(UsageLog)
class UsageLogAdmin(ProviderAdminsOnly, ReadOnly, admin.ModelAdmin):
    # Nine narrow columns: the list fits 1,400 px; plan, tier, price source and the error
    # message are on each row's page.
    list_display = [
        "time",
        "who",
        "task",
        "provider_model",
        "outcome",
        "tokens",
        "cost",
        "latency",
        "cache_hit",
    ]
    list_display_links = ["time"]
    list_select_related = ["user", "provider_config"]
    list_filter = [
        log_pages.ErrorCodeFilter,
        log_pages.RequestIdFilter,
        *admin_views.usage_filters(),
    ]
    date_hierarchy = "created_at"
    search_fields = ["user__username", "user__email", "=request_id"]
    search_help_text = "Username, email, or an exact request id."
    # COUNT(*) over the whole table on every page costs more than it tells.
    show_full_result_count = False
    actions = ["export_selected_csv"]

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="orchestrator_usage_dashboard",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="orchestrator_usagelog_export",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        return admin_views.usage_dashboard(request, model_admin=self)

    def export_view(self, request):
        return admin_views.usage_export(request, model_admin=self)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return log_pages.usage_log_detail(request, object_id, model_admin=self)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), **admin_views.WIDE})

    @admin.display(description="Time (UTC)", ordering="created_at")
    def time(self, log):
        return log.created_at.strftime(log_pages.TIME_FORMAT)

    @admin.display(description="Task", ordering="task_type")
    def task(self, log):
        return log.task_type

    @admin.display(description="User", ordering="user__username")
    def who(self, log):
        return log_pages.user_label(log)

    @admin.display(description="Provider / model", ordering="provider_type")
    def provider_model(self, log):
        return log_pages.provider_model(log)

    @admin.display(description="Status", ordering="error_code")
    def outcome(self, log):
        return log_pages.outcome(log)

    @admin.display(description="Tokens", ordering="total_tokens")
    def tokens(self, log):
        return log_pages.tokens_text(log)

    @admin.display(description="Cost (USD)", ordering="cost_usd")
    def cost(self, log):
        return log_pages.cost_text(log)

    @admin.display(description="Latency", ordering="latency_ms")
    def latency(self, log):
        return f"{log.latency_ms:,} ms"

    @admin.action(description="Export selected rows as CSV")
    def export_selected_csv(self, request, queryset):
        return admin_views.csv_response(queryset)


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
        return admin_views.alerts_check_now(request, model_admin=self)

    def changelist_view(self, request, extra_context=None):
        # Above the list: where alerts go, how often they are checked, the thresholds.
        extra_context = {
            **(extra_context or {}),
            **admin_views.alert_setup(request),
            **admin_views.WIDE,
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="State")
    def state(self, alert):
        return _badge("open", "#c62828") if alert.is_open else _badge("resolved", "#616161")

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
