"""The provider console: provider configs, routing, prices, usage, alerts.

Everything here is for superusers and the "Provider admins" group only (console.is_provider_admin):
other staff neither see these models in the index nor open their pages (403).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters
from solo.admin import SingletonModelAdmin

from . import admin_views
from .alerts import alert_resolve
from .console import (
    is_provider_admin,
    provider_config_make_default,
    provider_config_set_active,
    provider_status,
)
from .forms import ProviderConfigForm
from .models import (
    AITask,
    Alert,
    AlertThresholds,
    ModelPrice,
    ProviderConfig,
    RoutingRule,
    UsageLog,
)
from .services import provider_test

try:  # the circuit breaker is optional: show its state only where it exists
    from . import resilience as _resilience
except ImportError:  # pragma: no cover - depends on the lead's module
    _resilience = None
breaker_state = getattr(_resilience, "breaker_state", None)

STATUS_COLOURS = {
    "active": "#2e7d32",
    "failing": "#c62828",
    "untested": "#b26a00",
    "inactive": "#616161",
    "default": "#1565c0",
}
BREAKER_COLOURS = {"closed": "#2e7d32", "half-open": "#b26a00", "open": "#c62828"}


def _badge(text: str, colour: str, title: str = ""):
    return format_html(
        '<span class="badge badge-{}" title="{}" style="background:{};color:#fff;'
        'padding:1px 7px;border-radius:8px;font-size:11px;white-space:nowrap">{}</span>',
        text.replace(" ", "-"),
        title,
        colour,
        text,
    )


class ProviderAdminsOnly:
    """Gate every permission on the Provider admins group, on top of the model permissions."""

    def has_module_permission(self, request):
        return is_provider_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_provider_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_provider_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_provider_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_provider_admin(request.user) and super().has_delete_permission(request, obj)


class ReadOnly:
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProviderConfig)
class ProviderConfigAdmin(ProviderAdminsOnly, admin.ModelAdmin):
    form = ProviderConfigForm
    list_display = [
        "name",
        "provider_type",
        "status",
        "fingerprint",
        "fast_model",
        "quality_model",
        "priority",
        "last_tested_at",
    ]
    if breaker_state is not None:
        list_display.insert(3, "breaker")
    list_filter = ["provider_type", "is_active", "is_default", "last_test_status"]
    search_fields = ["name", "fast_model", "quality_model"]
    readonly_fields = [
        "fingerprint",
        "is_default",
        "last_tested_at",
        "last_test_status",
        "last_test_message",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "provider_type",
                    "base_url",
                    "fast_model",
                    "quality_model",
                    "priority",
                    "is_active",
                    "is_default",
                ]
            },
        ),
        ("API key", {"fields": ["fingerprint", "api_key", "remove_api_key"]}),
        (
            "Last credentials test",
            {"fields": ["last_tested_at", "last_test_status", "last_test_message"]},
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["test_credentials", "make_default", "activate", "deactivate"]

    @method_decorator(sensitive_post_parameters("api_key"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description="Status")
    def status(self, config):
        status = provider_status(config)
        # The last test's message is long: it is the badge's tooltip, and on the change page.
        badges = [_badge(status, STATUS_COLOURS[status], config.last_test_message)]
        if config.is_default:
            badges.insert(0, _badge("default", STATUS_COLOURS["default"]))
        return format_html("{} {}", *badges) if len(badges) == 2 else badges[0]

    @admin.display(description="Key")
    def fingerprint(self, config):
        return format_html(
            '<code style="white-space:nowrap">{}</code>', config.key_fingerprint or "—"
        )

    @admin.display(description="Circuit")
    def breaker(self, config):
        state = breaker_state(config.pk)
        return _badge(state, BREAKER_COLOURS.get(state, "#616161"))

    @admin.action(description="Test credentials (a cheap real call)")
    def test_credentials(self, request, queryset):
        for config in queryset:
            result = provider_test(config=config)
            self.message_user(
                request, result.message, messages.SUCCESS if result.ok else messages.ERROR
            )

    @admin.action(description="Make default")
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one provider to make default.", messages.WARNING
            )
            return
        config = provider_config_make_default(config=queryset.get())
        self.log_change(request, config, "Made default.")
        self.message_user(request, f"{config.name} is now the default provider.", messages.SUCCESS)

    @admin.action(description="Activate")
    def activate(self, request, queryset):
        count = provider_config_set_active(configs=queryset, active=True)
        self.message_user(request, f"Activated {count} provider(s).", messages.SUCCESS)

    @admin.action(description="Deactivate")
    def deactivate(self, request, queryset):
        count = provider_config_set_active(configs=queryset, active=False)
        self.message_user(request, f"Deactivated {count} provider(s).", messages.SUCCESS)


@admin.register(RoutingRule)
class RoutingRuleAdmin(ProviderAdminsOnly, admin.ModelAdmin):
    list_display = ["plan", "task", "tier"]
    list_editable = ["tier"]
    list_filter = ["plan", "task", "tier"]
    list_select_related = ["plan"]
    ordering = ["plan_id", "task"]

    def get_urls(self):
        return [
            path(
                "matrix/",
                self.admin_site.admin_view(self.matrix_view),
                name="orchestrator_routing_matrix",
            ),
            *super().get_urls(),
        ]

    def matrix_view(self, request):
        return admin_views.routing_matrix(request, model_admin=self)


@admin.register(ModelPrice)
class ModelPriceAdmin(ProviderAdminsOnly, admin.ModelAdmin):
    list_display = [
        "provider_type",
        "model",
        "input_per_million",
        "output_per_million",
        "cached_input_per_million",
        "updated_at",
    ]
    list_editable = ["input_per_million", "output_per_million", "cached_input_per_million"]
    list_filter = ["provider_type"]
    search_fields = ["model"]


@admin.register(UsageLog)
class UsageLogAdmin(ProviderAdminsOnly, ReadOnly, admin.ModelAdmin):
    list_display = [
        "created_at",
        "user",
        "plan",
        "task_type",
        "provider",
        "model",
        "status",
        "error_code",
        "total_tokens",
        "cost",
        "latency_ms",
        "cache_hit",
    ]
    list_select_related = ["user", "provider_config"]
    list_filter = admin_views.usage_filters()
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

    @admin.display(description="Provider", ordering="provider_type")
    def provider(self, log):
        return log.provider_config.name if log.provider_config else log.provider_type or "—"

    @admin.display(description="Cost (USD)", ordering="cost_usd")
    def cost(self, log):
        return format(log.cost_usd.normalize(), "f") if log.cost_usd else "0"

    @admin.action(description="Export selected rows as CSV")
    def export_selected_csv(self, request, queryset):
        return admin_views.csv_response(queryset)


@admin.register(Alert)
class AlertAdmin(ProviderAdminsOnly, ReadOnly, admin.ModelAdmin):
    list_display = [
        "kind",
        "subject",
        "state",
        "message",
        "value",
        "threshold",
        "first_seen",
        "last_seen",
        "notified_at",
    ]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "kind"]
    search_fields = ["subject", "message"]
    actions = ["resolve"]

    def get_urls(self):
        return [
            path(
                "check/",
                self.admin_site.admin_view(self.check_view),
                name="orchestrator_alert_check",
            ),
            *super().get_urls(),
        ]

    def check_view(self, request):
        return admin_views.alerts_check_now(request, model_admin=self)

    def changelist_view(self, request, extra_context=None):
        # Above the list: where alerts go, how often they are checked, the thresholds.
        extra_context = {**(extra_context or {}), **admin_views.alert_setup(request)}
        return super().changelist_view(request, extra_context)

    @admin.display(description="State")
    def state(self, alert):
        return _badge("open", "#c62828") if alert.is_open else _badge("resolved", "#616161")

    @admin.action(description="Resolve", permissions=["change"])
    def resolve(self, request, queryset):
        count = alert_resolve(alerts=queryset)
        self.message_user(request, f"Resolved {count} alert(s).", messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        # Read-only pages, but the resolve action needs a change permission.
        return (
            obj is None
            and is_provider_admin(request.user)
            and request.user.has_perm("orchestrator.change_alert")
        )


@admin.register(AlertThresholds)
class AlertThresholdsAdmin(ProviderAdminsOnly, SingletonModelAdmin):
    fieldsets = [
        (
            "Alert when",
            {"fields": ["error_rate", "p95_latency_ms", "cost_spike_factor", "quota_refusals"]},
        ),
        ("Counted over", {"fields": ["window_minutes", "min_calls"]}),
        ("Mail", {"fields": ["repeat_hours"]}),
    ]

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" in request.POST:
            return response
        return redirect("admin:orchestrator_alert_changelist")  # where they are shown


@admin.register(AITask)
class AITaskAdmin(ProviderAdminsOnly, ReadOnly, admin.ModelAdmin):
    list_display = ["id", "kind", "owner", "status", "error_code", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["owner"]
    search_fields = ["=id", "owner__username", "owner__email"]
    date_hierarchy = "created_at"
