"""Billing's management command set_plan, run as `manage.py` would run it."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from billing.models import Subscription
from orchestrator.snapshot import plan_for_user

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


# --- set_plan --------------------------------------------------------------------------------


def test_set_plan_by_username_and_by_email(user):
    out = run("set_plan", "alice", "pro_monthly")
    assert "alice is now on PRO_MONTHLY (Pro (monthly))" in out
    assert plan_for_user(user=user).code == "PRO_MONTHLY"

    run("set_plan", "ALICE@example.com", "PAYGO")
    assert plan_for_user(user=user).code == "PAYGO"


def test_set_plan_to_the_plan_the_user_has_says_so_and_changes_nothing(user):
    run("set_plan", "alice", "PRO_MONTHLY")
    before = list(Subscription.objects.filter(user=user).values())

    out = run("set_plan", "alice", "pro_monthly")

    assert "alice is already on PRO_MONTHLY (Pro (monthly)) since " in out
    assert "nothing changed" in out and "is now on" not in out
    assert list(Subscription.objects.filter(user=user).values()) == before
    assert plan_for_user(user=user).code == "PRO_MONTHLY"


def test_set_plan_renews_an_ended_period_of_the_same_plan(user):
    run("set_plan", "alice", "PRO_MONTHLY")
    Subscription.objects.filter(user=user).update(
        current_period_end=timezone.now() - timedelta(days=1)
    )
    assert plan_for_user(user=user).code == "FREEMIUM"  # the paid period is over

    out = run("set_plan", "alice", "PRO_MONTHLY")

    assert "alice is now on PRO_MONTHLY" in out
    assert plan_for_user(user=user).code == "PRO_MONTHLY"
    assert list(
        Subscription.objects.filter(user=user).order_by("id").values_list("status", flat=True)
    ) == ["canceled", "active"]


def test_set_plan_refuses_unknown_users_and_plans(user):
    with pytest.raises(CommandError, match="No user with username or email 'zed'"):
        run("set_plan", "zed", "PAYGO")
    with pytest.raises(CommandError, match='Unknown plan "GOLD"; choose one of FREEMIUM'):
        run("set_plan", "alice", "GOLD")
    assert plan_for_user(user=user).code == "FREEMIUM"


def test_set_plan_refuses_an_ambiguous_email(user, django_user_model):
    django_user_model.objects.create_user("alice2", "alice@example.com", "x-pass-1234")

    with pytest.raises(CommandError, match="2 users have the email"):
        run("set_plan", "alice@example.com", "PAYGO")
