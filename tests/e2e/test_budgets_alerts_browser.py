"""The budget and alert pages of the admin in headless Chromium at 1400 px: each page renders
as a logged-in superuser, fits the width without horizontal scrolling, and leaves a screenshot
in the test's tmp dir."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from billing.models import Plan, UserLimits
from billing.quotas import quota_reserve, quota_settle
from tests.e2e.test_dashboard_browser import CHROMIUM, chromium
from usage.alerts.channels import channel_set_url
from usage.models import Alert, AlertChannel, AlertDelivery

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]

PAGES = {
    "plans": "/admin/billing/plan/",
    "near_limit": "/admin/billing/plan/near-limit/",
    "user": "/admin/auth/user/{user}/change/",
    "own_limits": "/admin/billing/userlimits/",
    "channels": "/admin/usage/alertchannel/",
    "channel_form": "/admin/usage/alertchannel/add/",
    "deliveries": "/admin/usage/alertdelivery/",
    "thresholds": "/admin/usage/alertthresholds/",
    "alerts": "/admin/usage/alert/",
}


def _budgets(admin, django_user_model) -> int:
    unlimited = Plan(name="unlimited")
    for name, tokens, cost in [("alice", 17_000, "0.10"), ("bob", 300, "0.95")]:
        user = django_user_model.objects.create_user(name, f"{name}@example.com", "pw-123456")
        held = quota_reserve(user_id=user.pk, plan=unlimited, tokens=tokens, cost=Decimal(cost))
        quota_settle(held, tokens=tokens, cost=Decimal(cost))
    UserLimits.objects.create(user=user, monthly_token_limit=350, reason="trial account")
    channel = AlertChannel(name="ops slack", kind="slack", alert_kinds=["error_rate", "latency"])
    channel_set_url(channel=channel, url="https://hooks.slack.example/services/T0/B0/abcdef123")
    channel.save()
    AlertChannel.objects.create(name="on call", kind="email", addresses="oncall@example.com")
    now = timezone.now()
    alert = Alert.objects.create(
        kind="latency",
        subject="openai main · cv_draft (quality)",
        message="p95 latency of cv_draft (quality) calls to openai main is 48210 ms over 31 "
        "calls in the last 60 min (threshold 45000 ms).",
        value=48210,
        threshold=45000,
        first_seen=now,
        last_seen=now,
    )
    AlertDelivery.objects.create(alert=alert, channel=channel, event="firing", delivered_at=now)
    AlertDelivery.objects.create(
        alert=alert,
        channel=AlertChannel.objects.get(name="on call"),
        event="firing",
        attempts=3,
        last_error="Mail not sent: ConnectionRefusedError: [Errno 111] Connection refused",
        last_attempt_at=now,
        next_attempt_at=now,
    )
    return user.pk


# Committed rows, so the live server's thread sees them (as the dashboard's browser test).
@pytest.mark.django_db(transaction=True)
def test_the_budget_and_alert_pages_fit_1400_px(live_server, tmp_path, django_user_model):
    from django.core.management import call_command

    call_command("seed_defaults", verbosity=0)  # an earlier flush may have taken the plans
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345")
    user_id = _budgets(admin, django_user_model)
    client = Client()
    client.force_login(admin)
    session = client.cookies["sessionid"].value

    seen = {}
    with chromium(tmp_path / "profile") as browser:
        browser.call("Network.setCookie", name="sessionid", value=session, url=live_server.url)
        browser.call("Page.enable")
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1400,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        for name, path in PAGES.items():
            browser.call("Page.navigate", url=live_server.url + path.format(user=user_id))
            browser.wait_for("Page.loadEventFired")
            seen[name] = json.loads(
                browser.evaluate("""JSON.stringify({
                heading: (document.querySelector('#content h1') || {}).textContent,
                scrollWidth: document.documentElement.scrollWidth,
                listOverflow: [...document.querySelectorAll('.results')].map(
                    r => r.scrollWidth - r.clientWidth),
                text: document.querySelector('#content').innerText,
            })""")
            )
            shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            (tmp_path / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))

    for name, page in seen.items():
        assert page["scrollWidth"] <= 1400, f"{name} scrolls sideways: {page['scrollWidth']} px"
        assert all(over <= 0 for over in page["listOverflow"]), f"{name}'s list scrolls sideways"
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    assert "bob" in seen["near_limit"]["text"] and "(own limit)" in seen["near_limit"]["text"]
    assert "alice" in seen["near_limit"]["text"] and "85%" in seen["near_limit"]["text"]
    assert "PRO_MONTHLY" in seen["plans"]["text"] and "SUBSCRIBERS" in seen["plans"]["text"].upper()
    assert "This month's tokens: 300 of 350 tokens (86%)" in seen["user"]["text"]
    assert "https://hooks.slack.example/…f123" in seen["channels"]["text"]
    assert "abcdef123" not in seen["channels"]["text"]
    assert "ops slack — Slack-compatible webhook" in seen["alerts"]["text"]
    assert "ops slack ✓" in seen["alerts"]["text"] and "on call ✗ (3)" in seen["alerts"]["text"]
    assert "Connection refused" in seen["deliveries"]["text"]
    print(f"screenshots: {tmp_path}")
