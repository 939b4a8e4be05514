"""The usage log as an operator reads it: the list's columns and filters, one attempt's page
with every attempt of its request, and the optional capture of prompts and answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from orchestrator.models import UsageCapture, UsageLog
from orchestrator.schedule import jobs
from orchestrator.services import generate, provider_test
from tests.fixtures.vendors import TEST_KEYS
from tests.support.doubles import Reply
from usage.capture import usage_capture_purge

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/orchestrator/usagelog/"


@pytest.fixture
def fallback_call(openai_double, anthropic_double, make_provider, user):
    """One request: OpenAI refuses the key, Anthropic answers. Returns its request id."""
    make_provider(openai_double, priority=1)
    make_provider(anthropic_double, priority=2)
    openai_double.script(Reply.invalid_key())
    anthropic_double.script(Reply.ok("Claude's answer", input_tokens=300, output_tokens=40))
    generate(user=user, task="extraction", prompt="Extract this posting.", use_cache=False)
    return UsageLog.objects.order_by("pk").last().request_id


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_list_shows_the_columns_an_operator_reads(su_client, fallback_call):
    html = page(su_client, CHANGELIST)

    headers = [
        "Time (UTC)",
        "User",
        "Task",
        "Provider / model",
        "Status",
        "Tokens",
        "Cost (USD)",
        "Latency",
        "Cache hit",
    ]
    for header in headers:
        assert f">{header}</a>" in html or f"<span>{header}</span>" in html, header
    served = UsageLog.objects.get(request_id=fallback_call, status="success")
    assert served.created_at.strftime("%Y-%m-%d %H:%M:%S") in html  # to the second
    assert 'anthropic test<br><span class="quiet">' in html
    assert '<span class="log-error"' in html and ">PROVIDER_ERROR</span>" in html
    assert '<span title="300 in · 40 out">340</span>' in html
    # plan and price source stay on the row's page: the list keeps to nine columns
    assert "field-plan" not in html and "field-price_source" not in html


def test_provider_tests_are_shown_as_system(su_client, openai_double, make_provider):
    provider_test(config=make_provider(openai_double))

    html = page(su_client, CHANGELIST)

    assert '<td class="field-who">system</td>' in html
    assert "(anonymous)" not in html


def test_filters_by_error_code_and_by_request_id(su_client, fallback_call, user):
    generate(user=user, task="extraction", prompt="another request", use_cache=False)

    failed = su_client.get(CHANGELIST + "?error_code=PROVIDER_ERROR")
    assert [row.error_code for row in failed.context["cl"].result_list] == ["PROVIDER_ERROR"]
    assert "By error code" in failed.content.decode()

    one_request = su_client.get(CHANGELIST + f"?request_id={fallback_call}")
    rows = one_request.context["cl"].result_list
    assert len(rows) == 2 and {row.request_id for row in rows} == {fallback_call}
    html = one_request.content.decode()
    assert 'id="request_id-filter"' in html and f'value="{fallback_call}"' in html


def test_the_detail_page_shows_the_time_and_every_attempt_in_order(su_client, fallback_call):
    failed, served = UsageLog.objects.filter(request_id=fallback_call).order_by("attempt")

    html = page(su_client, f"{CHANGELIST}{served.pk}/change/")

    assert f'<span id="log-time">{served.created_at:%Y-%m-%d %H:%M:%S}</span>' in html
    assert "Every attempt of this request (2)" in html
    path = html.split('id="fallback-path">', 1)[1].split("</p>", 1)[0]
    assert path.index("openai test (PROVIDER_ERROR)") < path.index("anthropic test ✓")
    attempts = html.split('id="attempts"', 1)[1]
    assert attempts.index(f"{failed.created_at:%Y-%m-%d %H:%M:%S}") < attempts.index(
        'class="current"'
    )
    assert f"{CHANGELIST}{failed.pk}/change/" in attempts  # the other attempt is a link
    assert f"?request_id={fallback_call}" in attempts


def test_capture_is_off_by_default_and_the_page_says_so(su_client, fallback_call, settings):
    assert settings.AI_CAPTURE_PAYLOADS is False
    served = UsageLog.objects.get(request_id=fallback_call, status="success")

    html = page(su_client, f"{CHANGELIST}{served.pk}/change/")

    assert UsageCapture.objects.count() == 0
    assert "Capture of prompts and answers is off (AI_CAPTURE_PAYLOADS)" in html


def test_with_capture_on_superusers_read_each_attempts_prompt_and_answer_without_keys(
    su_client,
    provider_admin_client,
    openai_double,
    anthropic_double,
    make_provider,
    user,
    settings,
):
    settings.AI_CAPTURE_PAYLOADS = True
    make_provider(openai_double, priority=1)
    make_provider(anthropic_double, priority=2)
    openai_double.script(Reply.error(400, "bad request"))
    anthropic_double.script(
        Reply.ok(f"echoing {TEST_KEYS['anthropic']} and sk-ant-api03-{'x' * 40}")
    )
    pasted = "My posting. Our key is sk-proj-" + "A" * 40

    generate(
        user=user, task="extraction", prompt=pasted, system_prompt="Be brief.", use_cache=False
    )

    failed, served = UsageLog.objects.order_by("attempt")
    assert UsageCapture.objects.count() == 2
    html = page(su_client, f"{CHANGELIST}{served.pk}/change/")
    prompt = html.split('id="captured-prompt">', 1)[1].split("</pre>", 1)[0]
    answer = html.split('id="captured-answer">', 1)[1].split("</pre>", 1)[0]
    assert prompt.startswith("My posting. Our key is [redacted]")
    assert answer == "echoing [redacted] and [redacted]"
    assert 'id="captured-system">Be brief.</pre>' in html
    for key in (TEST_KEYS["anthropic"], TEST_KEYS["openai"], "sk-proj-AAAA"):
        assert key not in html
    failed_page = page(su_client, f"{CHANGELIST}{failed.pk}/change/")
    assert "(no answer)" in failed_page and "My posting." in failed_page

    other = page(provider_admin_client, f"{CHANGELIST}{served.pk}/change/")
    assert "shown to superusers only" in other and "My posting." not in other


def test_captures_are_purged_after_the_configured_days(
    settings, user, openai_double, make_provider
):
    settings.AI_CAPTURE_PAYLOADS, settings.AI_CAPTURE_DAYS = True, 3
    make_provider(openai_double)
    generate(user=user, task="extraction", prompt="old")
    generate(user=user, task="extraction", prompt="new")
    old, new = UsageCapture.objects.order_by("pk")
    UsageCapture.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=4))

    assert usage_capture_purge() == 1

    assert list(UsageCapture.objects.values_list("prompt", flat=True)) == ["new"]
    assert UsageLog.objects.count() == 2  # the log rows stay
    assert jobs()["usage.capture_purge"].interval == settings.AI_CAPTURE_PURGE_SECONDS
