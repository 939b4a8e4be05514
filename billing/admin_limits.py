"""Users' own limits in the admin: their list, and the inline on the user page; the limit
columns the plans list shares."""

from __future__ import annotations

from django.contrib import admin

from .models import UserLimits
from .selectors import limit_text


def limit_column(field: str, name: str, description: str):
    @admin.display(description=description, ordering=field)
    def column(self, obj):
        return limit_text(name, getattr(obj, field))

    return column


@admin.register(UserLimits)
class UserLimitsAdmin(admin.ModelAdmin):
    list_display = ["user", "daily", "monthly", "cost", "reason", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]

    daily = limit_column("daily_token_limit", "daily_tokens", "Daily tokens")
    monthly = limit_column("monthly_token_limit", "monthly_tokens", "Monthly tokens")
    cost = limit_column("monthly_cost_limit_usd", "monthly_cost_usd", "Monthly cost")


class UserLimitsInline(admin.StackedInline):
    model = UserLimits
    fields = ["daily_token_limit", "monthly_token_limit", "monthly_cost_limit_usd", "reason"]
    max_num = 1
    extra = 0
    verbose_name = verbose_name_plural = "own limits, in place of the plan's"
