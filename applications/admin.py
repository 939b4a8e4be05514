"""Applications and interview preps in the admin: staff read them (users write them through
the API); the usage dashboard gets the "Drafts and outcomes" section."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin

from core.money import usd
from orchestrator.registry import task_label
from usage.dashboard.sections import DashboardSection, dashboard_section_register

from .models import Application, InterviewPrep, StatusChange
from .outcomes import drafts_and_outcomes


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["from_status", "to_status", "changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "job", "status", "applied_at", "cv", "letter", "updated_at"]
    list_filter = ["status"]
    search_fields = ["owner__username", "job__title", "job__company"]
    list_select_related = ["owner", "job", "cv", "letter"]
    readonly_fields = [f.name for f in Application._meta.fields]
    inlines = [StatusChangeInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InterviewPrep)
class InterviewPrepAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "application", "provider_type", "model", "version", "created_at"]
    list_select_related = ["owner", "application__job"]
    readonly_fields = [f.name for f in InterviewPrep._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def outcomes_section(*, since: datetime, until: datetime) -> dict[str, Any]:
    rows = drafts_and_outcomes(since=since, until=until)
    for row in rows:
        row["task_label"] = task_label(row["task"])
        row["share_sent_text"] = _percent(row["share_sent"])
        row["interview_rate_text"] = _percent(row["interview_rate"])
        median = row["median_edit_distance"]
        row["median_text"] = "–" if median is None else f"{median:g}"
        row["cost_text"] = usd(row["cost_usd"])
        per = row["cost_per_interview"]
        row["cost_per_interview_text"] = "–" if per is None else usd(per)
    return {"rows": rows}


dashboard_section_register(
    DashboardSection(
        id="drafts-and-outcomes",
        title="Drafts and outcomes",
        template="applications/outcomes_section.html",
        context=outcomes_section,
    )
)
