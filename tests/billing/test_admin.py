"""Plans and subscriptions in the admin; a user's plan changed from the user page, by the
user action and from the subscription page, always through subscription_set_plan."""

import pytest

from billing.models import Plan, Subscription
from billing.services import subscription_set_plan
from orchestrator.snapshot import plan_for_user
from tests.fixtures.admin import messages_of

pytestmark = pytest.mark.django_db


def user_form(user, **changes):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
        "subscriptions-TOTAL_FORMS": "0",
        "subscriptions-INITIAL_FORMS": "0",
        "quota_counters-TOTAL_FORMS": "0",
        "quota_counters-INITIAL_FORMS": "0",
        "own_limits-TOTAL_FORMS": "0",
        "own_limits-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_the_user_page_shows_and_changes_the_plan(su_client, user):
    page = su_client.get(f"/admin/auth/user/{user.pk}/change/")
    assert "FREEMIUM (no subscription)" in page.content.decode()
    pro = Plan.objects.get(code="PRO_MONTHLY")

    response = su_client.post(
        f"/admin/auth/user/{user.pk}/change/", user_form(user, plan=pro.pk), follow=True
    )

    assert response.status_code == 200
    assert ("info", "alice moved to PRO_MONTHLY.") in messages_of(response)
    assert plan_for_user(user=user).code == "PRO_MONTHLY"
    page = su_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "Subscription history" in page and "Pro (monthly)" in page


def test_leaving_the_plan_blank_keeps_it(su_client, user):
    subscription_set_plan(user=user, plan_code="PAYGO")

    su_client.post(f"/admin/auth/user/{user.pk}/change/", user_form(user, plan=""))

    assert Subscription.objects.filter(user=user).count() == 1
    assert plan_for_user(user=user).code == "PAYGO"


def test_the_user_list_shows_plans_and_moves_users_by_action(su_client, user, other_user):
    subscription_set_plan(user=other_user, plan_code="PAYGO")
    listing = su_client.get("/admin/auth/user/").content.decode()
    assert "PAYGO" in listing and "move_to_pro_annual" in listing

    response = su_client.post(
        "/admin/auth/user/",
        {"action": "move_to_pro_annual", "_selected_action": [user.pk, other_user.pk]},
        follow=True,
    )

    assert ("success", "Moved 2 user(s) to PRO_ANNUAL.") in messages_of(response)
    assert plan_for_user(user=user).code == plan_for_user(user=other_user).code == "PRO_ANNUAL"
    assert Subscription.objects.get(user=other_user, plan__code="PAYGO").status == "canceled"


def test_adding_a_subscription_moves_the_user(su_client, user):
    subscription_set_plan(user=user, plan_code="PAYGO")
    pro = Plan.objects.get(code="PRO_MONTHLY")

    response = su_client.post(
        "/admin/billing/subscription/add/",
        {"user": user.pk, "plan": pro.pk, "_save": "Save"},
        follow=True,
    )

    assert response.status_code == 200
    assert plan_for_user(user=user).code == "PRO_MONTHLY"
    assert list(
        Subscription.objects.filter(user=user).order_by("id").values_list("plan__code", "status")
    ) == [("PAYGO", "canceled"), ("PRO_MONTHLY", "active")]


def test_changing_the_plan_on_a_subscription_starts_a_new_one(su_client, user):
    old = subscription_set_plan(user=user, plan_code="PAYGO")
    annual = Plan.objects.get(code="PRO_ANNUAL")

    response = su_client.post(
        f"/admin/billing/subscription/{old.pk}/change/",
        {
            "plan": annual.pk,
            "status": "active",
            "current_period_start_0": "2026-01-01",
            "current_period_start_1": "00:00:00",
            "_save": "Save",
        },
        follow=True,
    )

    assert response.status_code == 200
    old.refresh_from_db()
    assert old.status == "canceled" and old.current_period_end is not None
    assert plan_for_user(user=user).code == "PRO_ANNUAL"


def test_a_second_active_subscription_is_refused_not_a_crash(su_client, user):
    subscription_set_plan(user=user, plan_code="PAYGO")
    old = Subscription.objects.get(user=user)
    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")

    response = su_client.post(
        f"/admin/billing/subscription/{old.pk}/change/",
        {
            "plan": old.plan_id,
            "status": "active",
            "current_period_start_0": "2026-01-01",
            "current_period_start_1": "00:00:00",
            "_save": "Save",
        },
    )

    assert response.status_code == 200
    assert "already has an active subscription" in response.content.decode()


def test_plan_limits_are_editable(su_client):
    plan = Plan.objects.get(code="FREEMIUM")

    su_client.post(
        f"/admin/billing/plan/{plan.pk}/change/",
        {
            "name": "Free",
            "daily_token_limit": "12345",
            "monthly_token_limit": "",
            "monthly_cost_limit_usd": "0.50",
            "_save": "Save",
        },
    )

    plan.refresh_from_db()
    assert (plan.name, plan.daily_token_limit, plan.monthly_token_limit) == ("Free", 12345, None)
    assert plan.code == "FREEMIUM"


def test_an_admin_sees_and_resets_a_users_quota_counters(su_client, user):
    from decimal import Decimal

    from billing.quotas import quota_reserve, quota_settle
    from tests.support.quota import quota_counters

    plan = Plan.objects.get(code="FREEMIUM")
    quota_settle(
        quota_reserve(user_id=user.pk, plan=plan, tokens=900, cost=Decimal("0.01")),
        tokens=1234,
        cost=Decimal("0.002"),
    )
    in_flight = quota_reserve(user_id=user.pk, plan=plan, tokens=500, cost=Decimal(0))

    page = su_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "Quota counters (current UTC day and month)" in page
    assert "1234" in page and "500" in page  # used, and held by the call in flight

    response = su_client.post(
        "/admin/auth/user/",
        {"action": "reset_quota", "_selected_action": [user.pk]},
        follow=True,
    )

    assert any(
        "Reset today's and this month's quota for 1 user(s)" in text
        for _, text in messages_of(response)
    )
    day = quota_counters(user_id=user.pk)["day"]
    assert (day.tokens_used, day.tokens_reserved, day.cost_used_usd) == (0, 500, 0)
    quota_settle(in_flight, tokens=400, cost=Decimal(0))
    assert quota_counters(user_id=user.pk)["day"].tokens_used == 400
