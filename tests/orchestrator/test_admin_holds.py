"""Quota holds in the admin: an operator sees what calls in flight hold and releases a hold
whose process died, as the reaper would once it expires."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.holds import HoldSpec
from billing.models import Plan, QuotaHold
from billing.quotas import quota_reserve
from orchestrator.models import UsageLog
from tests.fixtures.admin import messages_of, run_action
from tests.support.quota import quota_counters

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold(user) -> QuotaHold:
    quota_reserve(
        user_id=user.pk,
        plan=Plan.objects.get(code="FREEMIUM"),
        tokens=17_250,
        cost=Decimal("0.02"),
        hold=HoldSpec(request_id="stuck-call", input_tokens=1_250, task_type="cover_letter"),
    )
    return QuotaHold.objects.get()


def test_the_holds_page_lists_each_call_in_flight_with_its_owner_and_expiry(su_client, hold):
    page = su_client.get("/admin/billing/quotahold/").content.decode()

    assert "stuck-call" in page and "alice" in page and "17250" in page.replace(",", "")
    assert hold.owner in page and 'value="release"' in page


def test_releasing_a_hold_logs_its_call_as_abandoned_and_frees_the_quota(su_client, user, hold):
    response = run_action(su_client, "quotahold", "release", [hold.pk], app="billing")

    assert messages_of(response) == [
        (
            "success",
            "Released 1 hold(s); each call is in the usage log as ABANDONED, with the tokens "
            "it sent counted.",
        )
    ]
    row = UsageLog.objects.get(request_id="stuck-call")
    assert (row.error_code, row.total_tokens) == ("ABANDONED", 1_250)
    day = quota_counters(user_id=user.pk)["day"]
    assert (day.tokens_reserved, day.tokens_used) == (0, 1_250)
    assert not QuotaHold.objects.exists()


def test_a_hold_cannot_be_deleted_or_edited_past_its_release(su_client, hold):
    assert su_client.get(f"/admin/billing/quotahold/{hold.pk}/delete/").status_code == 403
    page = su_client.get("/admin/billing/quotahold/").content.decode()
    assert "delete_selected" not in page


def test_staff_without_the_permission_see_no_release(staff_client, plain_staff, hold):
    plain_staff.user_permissions.remove(
        *plain_staff.user_permissions.filter(codename="delete_quotahold")
    )

    page = staff_client.get("/admin/billing/quotahold/").content.decode()

    assert "stuck-call" in page and 'value="release"' not in page
    run_action(staff_client, "quotahold", "release", [hold.pk], app="billing")
    assert QuotaHold.objects.filter(pk=hold.pk).exists()
