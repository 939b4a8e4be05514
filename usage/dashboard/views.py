"""The usage dashboard: totals, trends (trends.py, drawn by charts.py), breakdowns, latency,
the cache, quotas and open alerts over a period (forms.py), and the sections apps above usage
add (sections.py). A thin view over usage.reports; the charts are inline SVG drawn from the
report numbers, so the dashboard needs no JavaScript and no internet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from core.money import usd
from orchestrator import pricing
from orchestrator.admin_console import WIDE
from orchestrator.admin_services import is_provider_admin
from usage import reports
from usage.alerts import alert_thresholds, alerts_open

from .forms import PeriodForm
from .sections import dashboard_sections
from .trends import log_url, trend_context

TOP_USERS = 10


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
    if not is_provider_admin(request.user):
        raise PermissionDenied
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
