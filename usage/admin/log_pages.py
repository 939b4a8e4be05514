"""The usage log's list columns, its error code and request id filters, and the detail page of
one attempt: the request's every attempt in order (the fallback path) and, for superusers, the
captured prompt and answer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.html import format_html

from core import errors
from core.audit import staff_opened_send
from core.money import usd
from orchestrator import pricing
from orchestrator.admin_console import WIDE
from orchestrator.models import UsageCapture, UsageLog

# The codes a UsageLog row can carry: a fixed list, so the filter needs no SELECT DISTINCT.
LOGGED_ERRORS = (
    errors.ProviderFailed,
    errors.ProviderTimeout,
    errors.BadAIOutput,
    errors.ProviderBilling,
    errors.QuotaExceeded,
    errors.NoProviderConfigured,
)
SYSTEM = "system"  # who runs a credentials test: the console or the daily re-test
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class ErrorCodeFilter(admin.SimpleListFilter):
    title = "error code"
    parameter_name = "error_code"

    def lookups(self, request, model_admin):
        return [(error.code, error.code) for error in LOGGED_ERRORS]

    def queryset(self, request, queryset):
        return queryset.filter(error_code=self.value()) if self.value() else queryset


class RequestIdFilter(admin.SimpleListFilter):
    """A text box: every attempt of one request (the request id is on the detail page)."""

    title = "request id"
    parameter_name = "request_id"
    template = "admin/orchestrator/usagelog/text_filter.html"

    def lookups(self, request, model_admin):
        return [("", "")]  # a filter with no lookups is not shown at all

    def has_output(self):
        return True

    def choices(self, changelist):
        # The text box's form keeps the list's other filters as hidden fields.
        yield {"others": [(k, v) for k, v in changelist.params.items() if k != self.parameter_name]}

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        return queryset.filter(request_id=value) if value else queryset


def user_label(log: UsageLog) -> str:
    if log.user_id is not None:
        return log.user.username
    return SYSTEM if log.task_type == "provider_test" else "(anonymous)"


def provider_model(log: UsageLog):
    provider = log.provider_config.name if log.provider_config else log.provider_type or "—"
    if not log.model:
        return provider
    return format_html('{}<br><span class="quiet">{}</span>', provider, log.model)


def outcome(log: UsageLog):
    if log.status == UsageLog.Status.SUCCESS:
        return format_html('<span class="log-ok">{}</span>', "cache hit" if log.cache_hit else "ok")
    return format_html(
        '<span class="log-error" title="{}">{}</span>', log.error_message[:300], log.error_code
    )


def cost_text(log: UsageLog):
    text = usd(log.cost_usd)
    if log.price_source == pricing.UNPRICED:  # an estimate at the ceiling price
        return format_html(
            '{} <span title="{}">(unpriced)</span>', text, pricing.SOURCE_LABELS[pricing.UNPRICED]
        )
    return text


def tokens_text(log: UsageLog):
    return format_html(
        '<span title="{} in · {} out">{}</span>',
        f"{log.input_tokens:,}",
        f"{log.output_tokens:,}",
        f"{log.total_tokens:,}",
    )


def usage_request_attempts(*, request_id: str) -> list[UsageLog]:
    """Every row of one generate() call, in the order they were written."""
    return list(
        UsageLog.objects.filter(request_id=request_id)
        .select_related("user", "provider_config")
        .order_by("created_at", "attempt", "pk")
    )


def capture_state(*, request: HttpRequest, log: UsageLog) -> dict[str, Any]:
    """What the page says about the prompt and answer: shown, off, not kept, or not for you."""
    if not request.user.is_superuser:
        return {"note": "Prompts and answers are shown to superusers only."}
    capture = UsageCapture.objects.filter(usage_log=log).first()
    if capture is not None:
        staff_opened_send(
            staff=request.user,
            action="open_capture",
            subject=f"capture of usage log {log.pk}",
            subject_user_id=log.user_id,
        )
        return {"capture": capture}
    if not settings.AI_CAPTURE_PAYLOADS:
        return {
            "note": "Capture of prompts and answers is off (AI_CAPTURE_PAYLOADS); "
            "turn it on to keep them for diagnosis."
        }
    return {
        "note": "No prompt or answer was kept for this row: captures are kept "
        f"{settings.AI_CAPTURE_DAYS} days, and only for attempts made while capture was on."
    }


def usage_log_detail(request: HttpRequest, object_id: str, *, model_admin) -> HttpResponse:
    if not object_id.isascii() or not object_id.isdigit() or len(object_id) > 18:
        raise Http404("No usage log has this id.")  # a query with "abc" would fail: a 500
    log = get_object_or_404(
        UsageLog.objects.select_related("user", "provider_config"), pk=object_id
    )
    # A read-only page: nothing is ever posted to it.
    if request.method not in ("GET", "HEAD") or not model_admin.has_view_permission(request, log):
        raise PermissionDenied
    attempts = usage_request_attempts(request_id=log.request_id) if log.request_id else [log]
    context = {
        **model_admin.admin_site.each_context(request),
        **WIDE,
        "title": f"Usage log {log.pk}",
        "subtitle": None,
        "opts": UsageLog._meta,
        "original": log,
        "log": log,
        "when": log.created_at.strftime(TIME_FORMAT),
        "user_label": user_label(log),
        "attempts": [
            {
                "log": row,
                "when": row.created_at.strftime(TIME_FORMAT),
                "provider": provider_model(row),
                "outcome": outcome(row),
                "current": row.pk == log.pk,
            }
            for row in attempts
        ],
        "path": [
            (row.provider_config.name if row.provider_config else row.provider_type or "—")
            + (f" ({row.error_code})" if row.error_code else " ✓")
            for row in attempts
        ],
        "outcome": outcome(log),
        "provider": provider_model(log),
        "cost": cost_text(log),
        **capture_state(request=request, log=log),
    }
    return TemplateResponse(request, "admin/orchestrator/usagelog/detail.html", context)
