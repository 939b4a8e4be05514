"""The usage dashboard in a real browser: headless Chromium, driven over the DevTools protocol,
loads the page from a live server as a logged-in superuser, finds the charts drawn, fetches
nothing from outside, and leaves a screenshot in the test's tmp dir."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from orchestrator.models import ProviderConfig
from tests.fixtures.usage import log_usage
from tests.support.browser import CHROMIUM, chromium
from usage.models import Alert

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at "
        "/usr/bin/chromium (apt-get install chromium; .ci/run does it)",
    ),
]


def _usage(user) -> None:
    """A week of traffic worth drawing: several plans, tasks, providers, an error, a hit."""
    now = timezone.now()
    openai = ProviderConfig.objects.create(
        name="openai main", provider_type="openai", fast_model="gpt-4o-mini", quality_model="gpt-4o"
    )
    # "Last 7 days" is today and the 6 whole days before it: one call pair a day, each at
    # half today's time of day, so all seven fall in it whatever the hour.
    so_far_today = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    for day in range(7):
        at = now - timedelta(days=day) - so_far_today / 2
        log_usage(
            at=at,
            user=user,
            config=openai,
            input_tokens=900,
            output_tokens=400,
            cost=f"0.{day + 1:02d}",
            latency_ms=300 + 50 * day,
        )
        log_usage(
            at=at,
            user=user,
            plan="PRO_MONTHLY",
            task="cv_draft",
            provider_type="anthropic",
            model="claude-sonnet-4-6",
            input_tokens=3000,
            output_tokens=1500,
            cost="0.0315",
            latency_ms=2400,
        )
    log_usage(
        at=now - timedelta(hours=3),
        user=user,
        config=openai,
        status="error",
        error_code="PROVIDER_TIMEOUT",
        latency_ms=45000,
    )
    log_usage(at=now - timedelta(hours=2), user=user, config=openai, cache_hit=True, saved="0.0021")
    Alert.objects.create(
        kind="cost_spike",
        subject="daily cost",
        first_seen=now,
        last_seen=now,
        message="Today's cost so far is 2.4× the average day.",
    )


# Committed rows, so the live server's thread sees them. (No serialized_rollback: it clashes
# with the content types an earlier transactional test's flush recreates; this test needs none
# of the seeded defaults.)
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts_in_chromium(live_server, tmp_path, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345")
    _usage(admin)
    client = Client()
    client.force_login(admin)
    session = client.cookies["sessionid"].value
    url = f"{live_server.url}/admin/orchestrator/usagelog/dashboard/?period=7d"

    with chromium(tmp_path / "profile") as browser:
        browser.call("Network.setCookie", name="sessionid", value=session, url=live_server.url)
        browser.call("Page.enable")
        browser.call("Page.navigate", url=url)
        browser.wait_for("Page.loadEventFired")
        page = browser.evaluate("""JSON.stringify({
            title: document.title,
            heading: document.querySelector('h1') && document.querySelector('h1').textContent,
            dayBars: [...document.querySelectorAll('#trend-cost-chart rect.seg')].map(
                r => r.getBoundingClientRect().height),
            chartWidth: document.querySelector('#trend-cost-chart').getBoundingClientRect().width,
            planBars: document.querySelectorAll('#cost-by-plan-chart rect.bar').length,
            taskBars: document.querySelectorAll('#cost-by-task-chart rect.bar').length,
            userBars: document.querySelectorAll('#top-users rect.bar').length,
            alerts: (document.querySelector('#open-alerts') || {}).innerText,
            totals: document.querySelector('#totals').innerText,
            latency: document.querySelector('#latency').innerText,
            css: getComputedStyle(document.querySelector('#header')).backgroundColor,
            foreign: performance.getEntriesByType('resource').map(e => e.name)
                .filter(name => !name.startsWith(location.origin)),
        })""")
        shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)

    screenshot = tmp_path / "dashboard.png"
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    data = json.loads(page)
    assert data["heading"] == "Usage dashboard", data["title"]
    assert len(data["dayBars"]) == 7 and all(height > 0 for height in data["dayBars"])
    assert max(data["dayBars"]) > 100 and data["chartWidth"] > 550
    assert (data["planBars"], data["taskBars"], data["userBars"]) == (2, 2, 1)
    assert "cost_spike" not in data["alerts"] and "Cost spike" in data["alerts"]
    assert "CALLS\n16\n" in data["totals"]  # upper-cased by the stylesheet
    assert "claude-sonnet-4-6" in data["latency"] and "openai main" in data["latency"]
    assert data["css"] != "rgba(0, 0, 0, 0)"  # the admin's own stylesheet was served
    assert data["foreign"] == []  # nothing fetched from outside: works without internet
    assert (
        screenshot.stat().st_size > 20_000 and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    )
    print(f"screenshot: {screenshot}")
