"""Plans, subscriptions, users' own limits, who is near a limit, and the user page with the
user's plan, own limits and this month's usage.

A plan change always goes through billing.services.subscription_set_plan (the active
subscription ends, a new one starts), whether made on the user page, by the user action or on
the subscription page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.errors import InvalidInput

from .admin_limits import UserLimitsInline, limit_column
from .models import Plan, QuotaCounter, Subscription
from .quotas import period_starts, quota_reset
from .selectors import NEAR_LIMIT_SHARE, user_limit_uses, users_near_limit
from .services import subscription_set_plan

User = get_user_model()


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["plan_code", "name", "daily", "monthly", "cost", "subscribers"]
    list_display_links = ["plan_code", "name"]

    daily = limit_column("daily_token_limit", "daily_tokens", "Daily tokens")
    monthly = limit_column("monthly_token_limit", "monthly_tokens", "Monthly tokens")
    cost = limit_column("monthly_cost_limit_usd", "monthly_cost_usd", "Monthly cost")

    def get_queryset(self, request):
        active = Q(subscriptions__status=Subscription.Status.ACTIVE)
        return super().get_queryset(request).annotate(subscriber_count=Count("pk", filter=active))

    @admin.display(description="Code", ordering="code")
    def plan_code(self, plan):
        return plan.code  # the code itself, not its label: what commands and rules use

    @admin.display(description="Subscribers", ordering="subscriber_count")
    def subscribers(self, plan):
        if plan.code == "FREEMIUM":  # users with no subscription are on it too
            return format_html(
                "{} <span class='quiet'>+ users with none</span>", plan.subscriber_count
            )
        return plan.subscriber_count

    def get_readonly_fields(self, request, obj=None):
        # Codes are what routing rules, usage rows and the code refer to.
        return ["code"] if obj else []

    def get_urls(self):
        near = path(
            "near-limit/",
            self.admin_site.admin_view(self.near_limit_view),
            name="billing_near_limit",
        )
        return [near, *super().get_urls()]

    def near_limit_view(self, request):
        """Users at or past NEAR_LIMIT_SHARE of any limit in force, fullest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Users at {NEAR_LIMIT_SHARE:.0%} or more of a limit",
            "rows": users_near_limit(share=NEAR_LIMIT_SHARE),
            "share": f"{NEAR_LIMIT_SHARE:.0%}",
        }
        return TemplateResponse(request, "admin/billing/near_limit.html", context)


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["user", "plan", "status", "current_period_start", "current_period_end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "current_period_start" in self.fields:
            self.fields["current_period_start"].required = False

    def clean(self):
        data = super().clean()
        # On change the user is read-only, so not among the form's data.
        user = data.get("user") or (self.instance.user if self.instance.pk else None)
        status = data.get("status")
        plan_change = self.instance.pk is None or "plan" in self.changed_data
        if not plan_change and user and status == Subscription.Status.ACTIVE:
            others = Subscription.objects.filter(user=user, status=Subscription.Status.ACTIVE)
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error("status", f"{user} already has an active subscription.")
        return data


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["user", "plan", "status", "current_period_start", "current_period_end"]
    list_filter = ["status", "plan"]
    list_select_related = ["user", "plan"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    date_hierarchy = "current_period_start"

    def get_fields(self, request, obj=None):
        # A new subscription is a plan change: the service sets status and period.
        return ["user", "plan"] if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def save_model(self, request, obj, form, change):
        if change and "plan" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        new = subscription_set_plan(user=obj.user, plan_code=obj.plan.code)
        # The admin's log entry and redirect now refer to the subscription that started.
        obj.pk = new.pk
        obj.refresh_from_db()
        self.message_user(
            request,
            f"{obj.user} moved to {new.plan.code}; the previous subscription ended now.",
            messages.INFO,
        )


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["plan", "status", "current_period_start", "current_period_end"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-current_period_start"]
    verbose_name_plural = "Subscription history"


class QuotaCounterInline(admin.TabularInline):
    """Today's and this month's counters (UTC): what is used and what calls in flight hold."""

    model = QuotaCounter
    fields = [
        "period",
        "period_start",
        "tokens_used",
        "tokens_reserved",
        "cost_used_usd",
        "cost_reserved_usd",
        "updated_at",
    ]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "Quota counters (current UTC day and month)"

    def get_queryset(self, request):
        day, month = period_starts(timezone.now())
        return (
            super()
            .get_queryset(request)
            .filter(
                Q(period=QuotaCounter.Period.DAY, period_start=day)
                | Q(period=QuotaCounter.Period.MONTH, period_start=month)
            )
        )


@admin.action(description="Reset quota counters (today and this month)")
def reset_quota(modeladmin, request, queryset):
    for user in queryset:
        quota_reset(user_id=user.pk)
    modeladmin.message_user(
        request,
        f"Reset today's and this month's quota for {queryset.count()} user(s); "
        "requests in progress keep their reservations.",
        messages.SUCCESS,
    )


class UserWithPlanForm(UserChangeForm):
    plan = forms.ModelChoiceField(
        Plan.objects.all(),
        required=False,
        empty_label="— keep —",
        help_text="Moves the user to this plan now (the current subscription ends).",
    )


def _move_to(plan: Plan):
    def action(modeladmin, request, queryset):
        for user in queryset:
            subscription_set_plan(user=user, plan_code=plan.code)
        modeladmin.message_user(
            request, f"Moved {queryset.count()} user(s) to {plan.code}.", messages.SUCCESS
        )

    return action


def _may_change_plans(request) -> bool:
    return request.user.has_perm("billing.change_subscription")


admin.site.unregister(User)


@admin.register(User)
class UserWithPlanAdmin(UserAdmin):
    form = UserWithPlanForm
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Plan", {"fields": ["current_plan_name", "usage_against_limits", "plan"]}),
    ]
    readonly_fields = ["current_plan_name", "usage_against_limits"]
    list_display = [*UserAdmin.list_display, "current_plan"]
    inlines = [UserLimitsInline, SubscriptionInline, QuotaCounterInline]

    def get_queryset(self, request):
        active = Subscription.objects.filter(user=OuterRef("pk"), status="active")
        return (
            super()
            .get_queryset(request)
            .annotate(current_plan_code=Subquery(active.values("plan__code")[:1]))
        )

    @admin.display(description="Plan", ordering="current_plan_code")
    def current_plan(self, user):
        return getattr(user, "current_plan_code", None) or "FREEMIUM (no subscription)"

    @admin.display(description="Current plan")
    def current_plan_name(self, user):
        return self.current_plan(user) if user.pk else "—"

    @admin.display(description="Used today and this month (UTC)")
    def usage_against_limits(self, user):
        if not user.pk:
            return "—"
        lines = (
            (
                use.label.capitalize(),
                use.used_text.removesuffix(" tokens"),
                use.limit_text,
                f" ({use.percent})" if use.percent else "",
                " — the user's own limit" if use.own else "",
            )
            for use in user_limit_uses(user_id=user.pk)
        )
        return format_html_join(mark_safe("<br>"), "{}: {} of {}{}{}", lines)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not _may_change_plans(request):
            shown = ["current_plan_name", "usage_against_limits"]
            return [*fieldsets[:-1], ("Plan", {"fields": shown})]
        return fieldsets

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request) and _may_change_plans(request):
            for plan in Plan.objects.all():
                name = f"move_to_{plan.code.lower()}"
                actions[name] = (_move_to(plan), name, f"Move selected users to {plan.name}")
            actions["reset_quota"] = (reset_quota, "reset_quota", reset_quota.short_description)
        return actions

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        plan = form.cleaned_data.get("plan")
        if change and plan and _may_change_plans(request):
            try:
                subscription_set_plan(user=obj, plan_code=plan.code)
            except InvalidInput as exc:  # a plan deleted while the form was open
                self.message_user(request, exc.message, messages.ERROR)
                return
            self.message_user(request, f"{obj} moved to {plan.code}.", messages.INFO)
