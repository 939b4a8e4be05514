"""The usage log in the provider console: every attempt of every AI call, its filters (fixed
choices, so no SELECT DISTINCT over millions of rows), the CSV export of what the list shows,
the dashboard's URL, and each row's page (log_pages.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import DateFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone

from billing.models import PlanCode
from core.admin_filters import titled
from orchestrator import pricing
from orchestrator.admin_console import WIDE, ProviderAdminsOnly, ReadOnly
from orchestrator.models import ModelPrice, ProviderConfig, ProviderType, UsageLog
from orchestrator.registry import task_choices
from usage import reports
from usage.dashboard.views import usage_dashboard

from . import log_pages


def _choice_filter(field: str, title: str, choices: Any) -> type[admin.SimpleListFilter]:
    def lookups(self, request, model_admin):
        return list(choices() if callable(choices) else choices)

    def queryset(self, request, queryset):
        return queryset.filter(**{field: self.value()}) if self.value() else queryset

    return type(
        f"{field.title().replace('_', '')}Filter",
        (admin.SimpleListFilter,),
        {
            "title": title,
            "parameter_name": field,
            "lookups": lookups,
            "queryset": queryset,
        },
    )


def _known_models() -> list[tuple[str, str]]:
    names = set(ModelPrice.objects.values_list("model", flat=True))
    for fast, quality in ProviderConfig.objects.values_list("fast_model", "quality_model"):
        names.update((fast, quality))
    return [(name, name) for name in sorted(names)]


def usage_filters() -> list:
    return [
        _choice_filter("provider_type", "provider", ProviderType.choices),
        _choice_filter("model", "model", _known_models),
        _choice_filter("task_type", "task", task_choices),
        "status",
        _choice_filter("plan", "plan", PlanCode.choices),
        "cache_hit",
        _choice_filter("price_source", "price source", pricing.SOURCE_LABELS.items()),
        ("created_at", titled(DateFieldListFilter, "date")),
    ]


def csv_response(queryset) -> StreamingHttpResponse:
    """Streams rows as they are read: an export of the whole table never sits in memory."""
    lines = reports.csv_lines(reports.CSV_COLUMNS, reports.usage_rows(queryset=queryset))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="usage-{stamp}.csv"'
    return response


def usage_export(request: HttpRequest, *, model_admin) -> HttpResponse:
    """The changelist's rows under its current filters, search and date drill-down."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        messages.error(request, "Those filters are not valid; nothing was exported.")
        return redirect("admin:orchestrator_usagelog_changelist")
    return csv_response(changelist.get_queryset(request))


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
        *usage_filters(),
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
        return usage_dashboard(request, model_admin=self)

    def export_view(self, request):
        return usage_export(request, model_admin=self)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return log_pages.usage_log_detail(request, object_id, model_admin=self)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), **WIDE})

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
        return csv_response(queryset)
