"""The console's usage pages: usage dashboard, CSV export, alert check.

Thin views over usage.reports and usage.alerts; the charts are inline SVG drawn
here from the report numbers, so the dashboard needs no JavaScript and no internet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import DateFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing.models import PlanCode
from core.admin_filters import titled
from orchestrator import pricing
from orchestrator.admin_services import is_provider_admin
from orchestrator.models import ModelPrice, ProviderConfig, ProviderType
from orchestrator.registry import task_choices
from orchestrator.schedule import scheduled_runs
from usage.models import AlertThresholds

from . import reports
from .alerts import alert_recipients, alert_thresholds, alerts_check, alerts_open
from .charts import usd
from .dashboard_sections import dashboard_sections
from .forms import PeriodForm
from .models import AlertChannel, LatencyThreshold
from .trend_views import log_url, trend_context

TOP_USERS = 10
# The console's wide pages (log, dashboard, provider list, alerts) leave out the admin's app
# sidebar: at 1,400 px its 300 px are what their columns and charts need; the breadcrumbs and
# the home page still lead everywhere.
WIDE = {"is_nav_sidebar_enabled": False}


def _require_provider_admin(request: HttpRequest) -> None:
    if not is_provider_admin(request.user):
        raise PermissionDenied


# --- Usage list filters: fixed choices, so no SELECT DISTINCT over millions of rows ---------


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


# --- CSV export ------------------------------------------------------------------------------


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


# --- Dashboard -------------------------------------------------------------------------------


def bar_rows(rows: list[dict[str, Any]], *, bar_width: int = 340) -> dict[str, Any]:
    """Horizontal bars, one 26 px row per group, scaled to the largest cost."""
    peak = max((r["cost_usd"] for r in rows), default=Decimal(0))
    out = []
    for i, row in enumerate(rows):
        share = float(row["cost_usd"] / peak) if peak > 0 else 0.0
        w = round(max(share * bar_width, 1), 1)
        out.append(
            {
                **row,
                "cost_text": usd(row["cost_usd"]),
                "share": round(share * 100, 1),
                "bar_w": w,
                "bar_y": i * 26 + 4,
                "text_y": i * 26 + 13,
                "value_x": round(164 + w, 1),
            }
        )
    return {"rows": out, "height": len(rows) * 26 + 4}


def usage_dashboard(request: HttpRequest, *, model_admin) -> HttpResponse:
    _require_provider_admin(request)
    form = PeriodForm({"period": "7d", **request.GET.dict()})
    since, until = form.window()
    window = {"since": since, "until": until}
    totals = reports.usage_totals(**window)
    refused = reports.quota_exceeded_count(**window)
    failures = reports.errors_apart_from_refusals(totals, refused)
    cache = reports.cache_savings(**window)
    thresholds = alert_thresholds()
    context = {
        **model_admin.admin_site.each_context(request),
        **WIDE,
        "title": "Usage dashboard",
        "opts": model_admin.model._meta,
        "form": form,
        "since": since,
        "until": until,
        "totals": {
            **totals,
            "errors": failures["errors"],
            "error_rate": failures["error_rate"],
            "cost_text": usd(totals["cost_usd"]),
            "error_rate_text": f"{failures['error_rate']:.1%}",
            "errors_text": f"{failures['errors']:,}",
            **{
                f"{name}_text": f"{totals[name]:,}"
                for name in ("calls", "total_tokens", "input_tokens", "output_tokens")
            },
        },
        "by_plan": bar_rows(reports.usage_by(**window, group_by="plan")),
        "by_task": bar_rows(reports.usage_by(**window, group_by="task")),
        "by_user": _user_links(
            bar_rows(reports.usage_by(**window, group_by="user", limit=TOP_USERS)), window
        ),
        "top_users": TOP_USERS,
        "errors": [
            {**row, "error_rate_text": f"{row['error_rate']:.1%}"}
            for row in reports.error_rate_by_provider(**window)
        ],
        "latency": reports.latency_percentiles(**window),
        "by_model": priced_models(reports.usage_by(**window, group_by="model")),
        "cache": {
            **cache,
            "saved_text": usd(cache["saved_usd"]),
            "hit_ratio_text": f"{cache['hit_ratio']:.1%}",
        },
        "quota_exceeded": refused,
        "alerts": list(alerts_open()[:20]),
        "error_rate_threshold": thresholds.error_rate,
        "latency_threshold": thresholds.p95_latency_ms,
        "log_url": log_url(**window),
        **trend_context(**window),
        "extra_sections": dashboard_sections(**window),
    }
    return TemplateResponse(request, "admin/orchestrator/usage_dashboard.html", context)


def _user_links(bars: dict[str, Any], window: dict[str, Any]) -> dict[str, Any]:
    """Each top user's rows in the usage log, over the dashboard's period."""
    for row in bars["rows"]:
        who = {"user__id__exact": row["key"]} if row["key"] else {"user__isnull": "True"}
        row["url"] = log_url(**window, **who)
    return bars


def priced_models(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The period's cost per model with what prices that model now: an admin price row,
    genai-prices, or nothing (its calls were charged at the ceiling price)."""
    out = []
    for row in rows:
        provider_type, _, model = row["key"].partition(":")
        if not provider_type:
            continue  # refused before any provider was chosen: nothing was priced
        source = pricing.rates_for(provider_type=provider_type, model=model).source
        out.append(
            {
                **row,
                "cost_text": usd(row["cost_usd"]),
                "source": source,
                "source_label": pricing.SOURCE_LABELS[source],
            }
        )
    return out


# --- Alerts ----------------------------------------------------------------------------------


@require_POST
def alerts_check_now(request: HttpRequest, *, model_admin) -> HttpResponse:
    _require_provider_admin(request)
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
    last_run = scheduled_runs().get("alerts_check") if settings.EMBEDDED_SCHEDULE else None
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
