"""Users' own limits, who is near a limit, the plans list and the user page's usage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import Plan, UserLimits
from billing.quotas import quota_reserve, quota_settle
from billing.services import subscription_set_plan
from orchestrator.snapshot import limits_for_user
from tests.billing.test_admin import user_form

pytestmark = pytest.mark.django_db


def spend(user, tokens: int, cost: str = "0") -> None:
    plan = Plan(name="unlimited")  # no limits: the spending itself is what the tests set up
    held = quota_reserve(user_id=user.pk, plan=plan, tokens=tokens, cost=Decimal(cost))
    quota_settle(held, tokens=tokens, cost=Decimal(cost))


def test_the_plans_list_shows_codes_formatted_limits_and_subscribers(su_client, user, other_user):
    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")
    subscription_set_plan(user=other_user, plan_code="PRO_MONTHLY")
    Plan.objects.filter(code="PAYGO").update(
        daily_token_limit=None, monthly_token_limit=2_500_000, monthly_cost_limit_usd=Decimal(20)
    )

    page = su_client.get("/admin/billing/plan/").content.decode()

    assert "PRO_MONTHLY" in page and "PAYGO" in page
    assert "2,500,000 tokens" in page and "$20.00" in page and "unlimited" in page
    assert '<td class="field-subscribers">2</td>' in page
    assert "Users near a limit" in page


def test_an_admin_gives_a_user_own_limits_on_the_user_page(su_client, user):
    data = user_form(
        user,
        **{
            "own_limits-TOTAL_FORMS": "1",
            "own_limits-0-daily_token_limit": "777",
            "own_limits-0-monthly_token_limit": "",
            "own_limits-0-monthly_cost_limit_usd": "3.5",
            "own_limits-0-reason": "pilot customer",
        },
    )

    response = su_client.post(f"/admin/auth/user/{user.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    own = UserLimits.objects.get(user=user)
    assert (own.daily_token_limit, own.monthly_token_limit) == (777, None)
    limits = limits_for_user(user=user)  # the save reached the remembered limits
    assert limits.daily_tokens == 777 and limits.monthly_cost_usd == Decimal("3.5")
    assert limits.monthly_tokens == Plan.objects.get(code="FREEMIUM").monthly_token_limit


def test_the_user_page_shows_the_plan_and_this_months_usage(su_client, user):
    UserLimits.objects.create(user=user, daily_token_limit=10_000)
    spend(user, 2500, "0.25")

    page = su_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()

    assert "FREEMIUM (no subscription)" in page
    assert "Today&#x27;s tokens: 2,500 of 10,000 tokens (25%) — the user&#x27;s own limit" in page
    assert "This month&#x27;s tokens: 2,500 of 200,000 tokens (1%)" in page
    assert "This month&#x27;s cost: $0.25 of $1.00 (25%)" in page
    assert "Own limits, in place of the plan&#x27;s" in page


def test_the_near_limit_report_lists_users_at_80_percent_of_any_limit(
    su_client, user, other_user, django_user_model
):
    # FREEMIUM: 20,000 tokens a day, 200,000 a month, $1.00 a month.
    spend(user, 16_000)  # 80% of the day
    spend(other_user, 100, "0.95")  # 95% of the month's cost
    carol = django_user_model.objects.create_user("carol", "c@example.com", "carol-pass-123")
    spend(carol, 15_999)  # just under 80%
    dave = django_user_model.objects.create_user("dave", "d@example.com", "dave-pass-123")
    spend(dave, 900)
    UserLimits.objects.create(user=dave, daily_token_limit=1000)  # 90% of his own limit

    page = su_client.get("/admin/billing/plan/near-limit/")

    assert page.status_code == 200
    html = page.content.decode()
    table = html[html.index('id="near-limit"') :]
    assert "bob" in table and "alice" in table and "dave" in table and "carol" not in table
    assert table.index("bob") < table.index("dave") < table.index("alice")  # fullest first
    assert "$0.95" in table and "95%" in table
    assert "900 tokens" in table and "1,000 tokens" in table and "(own limit)" in table
    assert "16,000 tokens" in table and "80%" in table


def test_the_near_limit_report_needs_the_plan_view_permission(client, django_user_model):
    staff = django_user_model.objects.create_user("st", "st@example.com", "st-pass-1234")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    assert client.get("/admin/billing/plan/near-limit/").status_code == 403


def test_usage_report_near_limit_lists_the_same_users(user, other_user):
    import io
    import json

    from django.core.management import call_command

    spend(user, 17_000)  # 85% of FREEMIUM's 20,000 a day
    spend(other_user, 100)
    UserLimits.objects.create(user=other_user, monthly_token_limit=110)

    out = io.StringIO()
    call_command("usage_report", "--near-limit", stdout=out)
    table = out.getvalue()
    assert "2 user(s) at 80% or more of a limit" in table
    assert "alice" in table and "17,000 tokens of 20,000 tokens" in table and "85%" in table
    assert "bob" in table and "(own limit)" in table and "91%" in table

    out = io.StringIO()
    call_command("usage_report", "--near-limit", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())["near_limit"]
    assert {
        "user": "bob",
        "plan": "FREEMIUM",
        "limit": "monthly_tokens",
        "own": True,
        "used": 100,
        "of": 110,
        "share": 0.9091,
    } in rows
