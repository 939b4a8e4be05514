"""The dashboard's trends: charts over time, cost and calls per provider and per model, the top
error codes, and links into the usage log that keep the dashboard's period."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from core.money import usd
from usage import reports

from .charts import line, stacked_columns


def count(value: float) -> str:
    value = float(value)
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value:,.0f}"


def ms(value: float) -> str:
    return f"{value:,.0f} ms"


def log_url(*, since: datetime, until: datetime, **filters: Any) -> str:
    """The usage log's list, filtered to the period and to `filters`."""
    params = {"created_at__gte": since.isoformat(), "created_at__lt": until.isoformat()}
    params.update({k: v for k, v in filters.items() if v is not None})
    return f"{reverse('admin:orchestrator_usagelog_changelist')}?{urlencode(params)}"


def _drill_down(start: Any, *, hourly: bool, since: datetime, until: datetime) -> str:
    """A day opens the dashboard for that day (hour by hour); an hour opens its log rows."""
    if hourly:
        return log_url(since=max(start, since), until=min(start + timedelta(hours=1), until))
    query = urlencode({"period": "custom", "since": start, "until": start})
    return f"{reverse('admin:orchestrator_usage_dashboard')}?{query}"


def trend_context(*, since: datetime, until: datetime) -> dict[str, Any]:
    window = {"since": since, "until": until}
    trend = reports.usage_trend(**window)
    points = trend["points"]
    hourly = trend["step"] == "hour"
    labels = [f"{p['start']:%H:00}" if hourly else f"{p['start']:%m-%d}" for p in points]
    served = [p["calls"] - p["errors"] - p["quota_refusals"] for p in points]
    urls = [_drill_down(p["start"], hourly=hourly, since=since, until=until) for p in points]
    by_provider = reports.usage_by(**window, group_by="provider")
    by_model = reports.usage_by(**window, group_by="model")
    return {
        "trend_step": "hour" if hourly else "UTC day",
        "trend_calls": stacked_columns(
            labels,
            [
                ("served", "ok", served),
                ("errors", "err", [p["errors"] for p in points]),
                ("quota refusals", "quota", [p["quota_refusals"] for p in points]),
            ],
            fmt=count,
            urls=urls,
        ),
        "trend_cost": stacked_columns(
            labels,
            [("cost", "cost", [float(p["cost_usd"]) for p in points])],
            fmt=usd,
            urls=urls,
        ),
        "trend_tokens": stacked_columns(
            labels,
            [
                ("input tokens", "tin", [p["input_tokens"] for p in points]),
                ("output tokens", "tout", [p["output_tokens"] for p in points]),
            ],
            fmt=count,
        ),
        "trend_p95": line(labels, [p["p95_ms"] for p in points], name="p95", fmt=ms),
        "provider_shares": _shares(by_provider, since=since, until=until, group="provider"),
        "model_shares": _shares(by_model, since=since, until=until, group="model"),
        "top_errors": [
            {
                **row,
                "share_text": f"{row['share']:.1%}",
                "url": log_url(since=since, until=until, error_code=row["code"]),
            }
            for row in reports.top_error_codes(**window)
        ],
    }


def _shares(
    rows: list[dict[str, Any]], *, since: datetime, until: datetime, group: str
) -> list[dict[str, Any]]:
    """Each group's cost and calls with its share of the largest (for the bars) and its link."""
    cost_peak = max((r["cost_usd"] for r in rows), default=Decimal(0)) or Decimal(1)
    calls_peak = max((r["calls"] for r in rows), default=0) or 1
    out = []
    for row in rows:
        provider_type, _, rest = row["key"].partition(":")
        if group == "provider" and rest == "env":
            filters = {"provider_type": provider_type, "provider_config__isnull": "True"}
        elif group == "provider":
            filters = {"provider_config__id__exact": rest}
        else:
            filters = {"provider_type": provider_type, "model": rest}
        out.append(
            {
                **row,
                "cost_text": usd(row["cost_usd"]),
                "cost_share": round(float(row["cost_usd"] / cost_peak) * 100, 1),
                "calls_share": round(row["calls"] / calls_peak * 100, 1),
                "url": log_url(since=since, until=until, **filters) if provider_type else None,
            }
        )
    return out
