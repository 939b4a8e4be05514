"""Each provider config's last 24 hours on the gateway's provider list: calls, error rate, p95
latency and cost (red over the alert thresholds), and a high error rate among the reasons
"Make default" warns about. Added through the list's extension point
(orchestrator.admin_extensions), registered in usage/admin/__init__.py."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from core.money import usd
from orchestrator.admin_extensions import ProviderListExtension
from orchestrator.models import ProviderConfig
from usage.alerts import alert_thresholds
from usage.models import AlertThresholds
from usage.reports import provider_glance

GLANCE = timedelta(hours=24)


def last_24_hours() -> dict[int, dict]:
    now = timezone.now()
    return provider_glance(since=now - GLANCE, until=now)


def glance_read(configs: list[ProviderConfig]) -> None:
    """The page's figures, read once: each config gets its own, and the thresholds."""
    glance = last_24_hours()
    thresholds = alert_thresholds()
    for config in configs:
        config.glance = glance.get(config.pk)
        config.thresholds = thresholds


@admin.display(description="Calls 24 h")
def calls_24h(config: ProviderConfig) -> str:
    return f"{config.glance['calls']:,}" if config.glance else "0"


@admin.display(description="Errors 24 h")
def errors_24h(config: ProviderConfig) -> str:
    if not config.glance or not config.glance["calls"]:
        return "—"
    rate, over = config.glance["error_rate"], _over(config.glance, config.thresholds)
    return format_html(
        '<span class="{}" title="{} of {} attempts">{}</span>',
        "over" if over else "",
        config.glance["errors"],
        config.glance["calls"],
        f"{rate:.1%}",
    )


@admin.display(description="p95 24 h")
def p95_24h(config: ProviderConfig) -> str:
    p95 = config.glance and config.glance["p95_ms"]
    if p95 is None or not config.glance:
        return "—"
    over = (
        p95 > config.thresholds.p95_latency_ms
        and config.glance["calls"] >= config.thresholds.min_calls
    )
    return format_html('<span class="{}">{} ms</span>', "over" if over else "", f"{p95:,.0f}")


@admin.display(description="Cost 24 h")
def cost_24h(config: ProviderConfig) -> str:
    return usd(config.glance["cost_usd"] if config.glance else 0)


def failing_reasons(config: ProviderConfig) -> list[str]:
    glance = last_24_hours().get(config.pk)
    if not glance or not _over(glance, alert_thresholds()):
        return []
    return [
        f"{glance['error_rate']:.0%} of its {glance['calls']} calls in the last 24 hours failed"
    ]


def _over(glance: dict, thresholds: AlertThresholds) -> bool:
    return glance["calls"] >= thresholds.min_calls and glance["error_rate"] > thresholds.error_rate


LAST_24_HOURS = ProviderListExtension(
    name="usage.last_24_hours",
    columns=(calls_24h, errors_24h, p95_24h, cost_24h),
    prepare=glance_read,
    failing_reasons=failing_reasons,
    note="Calls, errors, p95 latency and cost: the last 24 hours, attempts that reached the "
    "provider (cache hits and quota refusals aside). Red: over the alert thresholds.",
)
