"""The provider list with each config's last 24 hours at a glance: calls, error rate, p95
latency and cost, beside the columns the gateway's own admin shows. The usage app owns those
figures, so it registers the list in place of orchestrator.admin's."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils import timezone
from django.utils.html import format_html

from orchestrator.admin import ProviderConfigAdmin
from orchestrator.models import ProviderConfig

from .admin_views import WIDE
from .alerts import alert_thresholds
from .charts import usd
from .reports import provider_glance

GLANCE = timedelta(hours=24)


def last_24_hours() -> dict[int, dict]:
    now = timezone.now()
    return provider_glance(since=now - GLANCE, until=now)


class _GlanceList(ChangeList):
    """Reads the page's figures once and hands each config its own."""

    def get_results(self, request):
        super().get_results(request)
        glance = last_24_hours()
        thresholds = alert_thresholds()
        for config in self.result_list:
            config.glance = glance.get(config.pk)
            config.thresholds = thresholds


class ProviderConfigUsageAdmin(ProviderConfigAdmin):
    list_display = [
        *ProviderConfigAdmin.list_display,
        "calls_24h",
        "errors_24h",
        "p95_24h",
        "cost_24h",
    ]
    change_list_template = "admin/orchestrator/providerconfig/change_list.html"

    # Configs are few, so the list shows them all: the filter sidebar gives its width to the
    # columns (the search box stays).
    list_filter = []

    def get_changelist(self, request, **kwargs):
        return _GlanceList

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), **WIDE})

    @admin.display(description="Calls 24 h")
    def calls_24h(self, config):
        return f"{config.glance['calls']:,}" if config.glance else "0"

    @admin.display(description="Errors 24 h")
    def errors_24h(self, config):
        if not config.glance or not config.glance["calls"]:
            return "—"
        rate, over = config.glance["error_rate"], _over_error_rate(config)
        return format_html(
            '<span class="{}" title="{} of {} attempts">{}</span>',
            "over" if over else "",
            config.glance["errors"],
            config.glance["calls"],
            f"{rate:.1%}",
        )

    @admin.display(description="p95 24 h")
    def p95_24h(self, config):
        p95 = config.glance and config.glance["p95_ms"]
        if p95 is None or not config.glance:
            return "—"
        over = (
            p95 > config.thresholds.p95_latency_ms
            and config.glance["calls"] >= config.thresholds.min_calls
        )
        return format_html('<span class="{}">{} ms</span>', "over" if over else "", f"{p95:,.0f}")

    @admin.display(description="Cost 24 h")
    def cost_24h(self, config):
        return usd(config.glance["cost_usd"] if config.glance else 0)

    def failing_reasons(self, config) -> list[str]:
        reasons = super().failing_reasons(config)
        glance = last_24_hours().get(config.pk)
        if glance and _over(glance, alert_thresholds()):
            reasons.append(
                f"{glance['error_rate']:.0%} of its {glance['calls']} calls in the last 24 hours "
                "failed"
            )
        return reasons


def _over(glance: dict, thresholds) -> bool:
    return glance["calls"] >= thresholds.min_calls and glance["error_rate"] > thresholds.error_rate


def _over_error_rate(config) -> bool:
    return _over(config.glance, config.thresholds)


admin.site.unregister(ProviderConfig)
admin.site.register(ProviderConfig, ProviderConfigUsageAdmin)
