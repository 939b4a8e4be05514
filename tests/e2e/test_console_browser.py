"""The console's main pages in headless Chromium at 1,400 px, as an operator opens them: the
usage log, one attempt's page, the dashboard (per day and per hour), the provider list and the
alerts. Each fits the width (no horizontal scroll), draws what it should, fetches nothing from
outside, and leaves a screenshot under test-artifacts/screenshots/ (its path is printed)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from orchestrator.models import ProviderConfig, UsageCapture, UsageLog
from tests.fixtures.usage import log_usage
from tests.support.browser import ARTIFACTS, CHROMIUM, chromium
from usage.models import Alert

WIDTH = 1400

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at "
        "/usr/bin/chromium (apt-get install chromium; .ci/run does it)",
    ),
]


def _console(admin) -> dict[str, int]:
    """A week of traffic with long names, a fallback request with its capture, a failing
    config and an open alert: what makes pages wide."""
    now = timezone.now()
    configs = [
        ProviderConfig.objects.create(
            name=name,
            provider_type=vendor,
            fast_model=fast,
            quality_model=quality,
            is_default=default,
            is_active=active,
            last_test_status=status,
            last_tested_at=now - timedelta(hours=5),
            priority=priority,
            last_test_message=f"{name}: failed — auth (HTTP 401): Incorrect API key provided."
            if status == "failed"
            else "",
            last_test_warnings=["gemini-2.5-flash-lite-preview-09-2025 is being retired."]
            if vendor == "gemini"
            else [],
        )
        for name, vendor, fast, quality, default, active, status, priority in [
            (
                "OpenAI production (EU data zone)",
                "openai",
                "gpt-5-mini-2026-08-07",
                "gpt-5.1",
                True,
                True,
                "ok",
                10,
            ),
            (
                "Anthropic fallback",
                "anthropic",
                "claude-haiku-4-5-20251001",
                "claude-sonnet-4-5-20250929",
                False,
                True,
                "failed",
                20,
            ),
            (
                "Gemini batch",
                "gemini",
                "gemini-2.5-flash-lite-preview-09-2025",
                "gemini-2.5-pro",
                False,
                False,
                "untested",
                30,
            ),
        ]
    ]
    openai, anthropic, _ = configs
    today = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    for back in range(7):
        at = now - timedelta(days=back) - today / 2
        for hour in range(0, 6):
            log_usage(
                at=at - timedelta(minutes=37 * hour),
                user=admin,
                config=openai,
                model="gpt-5-mini-2026-08-07",
                input_tokens=1200 + 100 * hour,
                output_tokens=400,
                cost=f"0.00{back + 1}5",
                latency_ms=900 + 150 * hour,
            )
        log_usage(
            at=at,
            user=admin,
            plan="PRO_MONTHLY",
            task="cv_draft",
            config=anthropic,
            provider_type="anthropic",
            model="claude-sonnet-4-5-20250929",
            status="error",
            error_code="PROVIDER_TIMEOUT",
            latency_ms=45000,
            error_message="timeout: The provider did not answer in time.",
        )
        log_usage(
            at=at,
            user=admin,
            provider_type="",
            model="",
            status="error",
            error_code="QUOTA_EXCEEDED",
        )
    for minutes in range(5, 24 * 60, 53):  # the last 24 hours, hour by hour
        log_usage(
            at=now - timedelta(minutes=minutes),
            user=admin,
            config=openai,
            model="gpt-5-mini-2026-08-07",
            input_tokens=900,
            output_tokens=300,
            cost="0.0009",
            latency_ms=700 + minutes % 900,
        )
    log_usage(
        at=now - timedelta(hours=1),
        task="provider_test",
        config=anthropic,
        provider_type="anthropic",
        model="claude-haiku-4-5-20251001",
        status="error",
        error_code="PROVIDER_ERROR",
        error_message="auth (HTTP 401): invalid x-api-key",
    )
    request_id = str(uuid.uuid4())
    failed = log_usage(
        at=now - timedelta(minutes=2),
        user=admin,
        task="cover_letter",
        config=anthropic,
        provider_type="anthropic",
        model="claude-sonnet-4-5-20250929",
        status="error",
        error_code="PROVIDER_ERROR",
        latency_ms=30123,
        error_message="unavailable (HTTP 529): Overloaded " + "x" * 300,
    )
    served = log_usage(
        at=now - timedelta(minutes=1),
        user=admin,
        task="cover_letter",
        config=openai,
        model="gpt-5.1",
        input_tokens=2600,
        output_tokens=700,
        cost="0.0102",
        latency_ms=2300,
    )
    UsageLog.objects.filter(pk__in=[failed.pk, served.pk]).update(request_id=request_id)
    UsageLog.objects.filter(pk=served.pk).update(attempt=2)
    UsageCapture.objects.create(
        usage_log_id=served.pk,
        created_at=served.created_at,
        system_prompt="You write cover letters.",
        prompt="Write a cover letter for " + "a very long job description " * 80,
        answer="Dear hiring manager, " + "I am writing to apply " * 120,
    )
    Alert.objects.create(
        kind="error_rate",
        subject="Anthropic fallback",
        first_seen=now,
        last_seen=now,
        message="Anthropic fallback: 14.3% of 7 attempts failed in the last 15 minutes "
        "(threshold 10.0%).",
        value=0.143,
        threshold=0.1,
    )
    return {"detail": served.pk}


# Page -> what must be drawn on it, as a JavaScript expression that is true when it is.
def _pages(ids: dict[str, int]) -> dict[str, tuple[str, str]]:
    charts = (
        "['#trend-calls-chart', '#trend-cost-chart', '#trend-tokens-chart'].every(id => "
        "[...document.querySelectorAll(id + ' rect.seg')].some("
        "r => r.getBoundingClientRect().height > 1)) && "
        "document.querySelectorAll('#trend-p95-chart circle.dot').length > 1 && "
        "document.querySelector('#trend-p95-chart polyline').getBoundingClientRect().width > 300"
    )
    log = "/admin/orchestrator/usagelog/"
    return {
        "usage-log": (log, "document.querySelectorAll('#result_list tbody tr').length >= 50"),
        "usage-log-detail": (
            f"{log}{ids['detail']}/change/",
            "document.querySelectorAll('#attempts tbody tr').length === 2 && "
            "!!document.querySelector('#captured-answer') && "
            "document.querySelector('#fallback-path').innerText.includes('→')",
        ),
        "dashboard-7d": (f"{log}dashboard/?period=7d", charts),
        "dashboard-24h": (f"{log}dashboard/?period=24h", charts),
        "provider-list": (
            "/admin/orchestrator/providerconfig/",
            "document.querySelectorAll('#result_list tbody tr').length >= 3 && "
            "document.querySelector('#result_list').innerText.includes('Calls 24 h'.toUpperCase())",
        ),
        "alerts": (
            "/admin/usage/alert/",
            "document.querySelectorAll('#result_list tbody tr').length === 1",
        ),
    }


# Committed rows, so the live server's thread sees them (as in test_dashboard_browser).
@pytest.mark.django_db(transaction=True)
def test_the_console_pages_fit_1400_px_and_draw_in_chromium(
    live_server, tmp_path, django_user_model
):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345")
    ids = _console(admin)
    client = Client()
    client.force_login(admin)
    session = client.cookies["sessionid"].value
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    seen = {}

    with chromium(tmp_path / "profile") as browser:
        browser.call("Network.setCookie", name="sessionid", value=session, url=live_server.url)
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=1000,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.call("Page.enable")
        for name, (path, drawn) in _pages(ids).items():
            browser.call("Page.navigate", url=live_server.url + path)
            browser.wait_for("Page.loadEventFired")
            seen[name] = json.loads(
                browser.evaluate(f"""JSON.stringify({{
                    status: document.title,
                    viewport: document.documentElement.clientWidth,
                    scrollWidth: document.documentElement.scrollWidth,
                    innerWidth: window.innerWidth,
                    // a box that scrolls sideways inside the page (the admin's result list
                    // does) hides columns as surely as the page scrolling would
                    scrollers: [...document.querySelectorAll('body *')].filter(el =>
                        ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
                        && el.scrollWidth > el.clientWidth + 1).map(el => el.id || el.className),
                    drawn: !!({drawn}),
                    foreign: performance.getEntriesByType('resource').map(e => e.name)
                        .filter(n => !n.startsWith(location.origin)),
                }})""")
            )
            shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            screenshot = ARTIFACTS / f"{name}.png"
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            seen[name]["screenshot"] = screenshot
            print(f"screenshot of {name}: {screenshot}")

    for name, page in seen.items():
        assert page["innerWidth"] == WIDTH, (name, page)
        # no horizontal scroll: the page is no wider than the viewport (less its scroll bar)
        assert page["scrollWidth"] <= min(WIDTH, page["viewport"]), (name, page)
        assert page["scrollers"] == [], (name, page)
        assert page["drawn"], (name, page)
        assert page["foreign"] == [], (name, page)
        assert "Log in" not in page["status"], (name, page)
        assert page["screenshot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
