"""The provider list at a glance: one fact per column, each config's last 24 hours, and a
warning when "Make default" picks a failing config."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.utils import timezone

from orchestrator.admin_providers import ProviderConfigAdmin
from orchestrator.models import ProviderConfig
from orchestrator.resilience import breaker_record_failure
from tests.fixtures.admin import messages_of, run_action
from tests.fixtures.usage import log_usage
from usage.rollups import usage_rollup

pytestmark = pytest.mark.django_db
LIST = "/admin/orchestrator/providerconfig/"


def cell(html: str, config: ProviderConfig, column: str) -> str:
    row = html.split(f'value="{config.pk}"', 1)[1].split("</tr>", 1)[0]
    return row.split(f'class="field-{column}"', 1)[1].split("</td>", 1)[0]


@pytest.fixture
def configs(db):
    main = ProviderConfig.objects.create(
        name="openai main", provider_type="openai", fast_model="gpt-4o-mini",
        quality_model="gpt-4o", is_default=True, last_test_status="ok",
        last_tested_at=timezone.now() - timedelta(hours=3),
    )  # fmt: skip
    spare = ProviderConfig.objects.create(
        name="claude spare", provider_type="anthropic", fast_model="claude-haiku-4-5",
        quality_model="claude-haiku-4-5", is_active=False, last_test_status="failed",
        last_test_message="claude spare: failed — auth (HTTP 401)",
    )  # fmt: skip
    return main, spare


def test_each_state_has_its_own_column(su_client, configs):
    main, spare = configs

    html = su_client.get(LIST).content.decode()

    for header in ("Active", "Default", "Circuit", "Last test", "Calls 24 h", "Errors 24 h",
                   "P95 24 h", "Cost 24 h"):  # fmt: skip
        assert f">{header}</" in html, header
    assert "badge-active" in cell(html, main, "active")
    assert "badge-default" in cell(html, main, "default") and cell(html, spare, "default") == ">-"
    assert "badge-closed" in cell(html, main, "breaker")
    assert "badge-ok" in cell(html, main, "last_test") and "3\xa0hours ago" in cell(
        html, main, "last_test"
    )
    assert "badge-inactive" in cell(html, spare, "active")
    failed = cell(html, spare, "last_test")
    assert "badge-failed" in failed and "auth (HTTP 401)" in failed  # its tooltip
    assert cell(html, spare, "models") == ">claude-haiku-4-5"  # one model for both tiers


def test_usage_adds_its_columns_to_the_gateways_own_provider_list(su_client, configs):
    html = su_client.get(LIST).content.decode()

    # The usage app fills the list's extension point; the gateway's ModelAdmin stays registered.
    assert type(admin.site.get_model_admin(ProviderConfig)) is ProviderConfigAdmin
    assert "Calls, errors, p95 latency and cost: the last 24 hours" in html
    header = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert header.index(">Last test</") < header.index(">Calls 24 h</")  # after its own columns
    assert 'id="changelist-filter"' not in html  # no filter sidebar: the columns take its width


def test_the_last_24_hours_per_config(su_client, configs, settings):
    main, spare = configs
    now = timezone.now()
    for minutes, latency, status in [(30, 100, "success"), (90, 200, "success"),
                                     (150, 300, "error"), (60 * 23, 400, "success")]:  # fmt: skip
        log_usage(at=now - timedelta(minutes=minutes), config=main, latency_ms=latency,
                  status=status, error_code="PROVIDER_ERROR" if status == "error" else "",
                  cost="0.25")  # fmt: skip
    log_usage(at=now - timedelta(hours=25), config=main, cost="9", latency_ms=9000)  # too old
    log_usage(at=now - timedelta(minutes=5), config=main, cache_hit=True)  # no attempt
    usage_rollup(day=(now - timedelta(days=1)).date())  # part of it from the hourly rollup

    html = su_client.get(LIST).content.decode()

    assert cell(html, main, "calls_24h") == ">4"
    assert "25.0%" in cell(html, main, "errors_24h") and "1 of 4 attempts" in html
    assert cell(html, main, "p95_24h").endswith(">385 ms</span>")  # 300 + .85 × (400 − 300)
    assert cell(html, main, "cost_24h") == ">$1.00"
    assert cell(html, spare, "calls_24h") == ">0" and cell(html, spare, "p95_24h") == ">—"
    # 25% is over the default 10% threshold, but 4 calls are under its minimum of 20
    assert 'class="over"' not in cell(html, main, "errors_24h")
    settings.ALERT_MIN_CALLS = 2
    assert 'class="over"' in cell(su_client.get(LIST).content.decode(), main, "errors_24h")


def test_make_default_warns_when_the_config_is_failing(su_client, configs):
    main, spare = configs

    response = run_action(su_client, "providerconfig", "make_default", [spare.pk])

    [(ok, made), (level, warning)] = messages_of(response)
    assert (ok, made) == ("success", "claude spare is now the default provider.")
    assert level == "warning" and warning.startswith(
        "claude spare is failing: its last credentials test failed (claude spare"
    )
    assert "Calls will fall back to the next provider" in warning


def test_make_default_warns_about_an_open_circuit_and_a_high_error_rate(
    su_client, configs, settings
):
    main, _ = configs
    settings.ALERT_MIN_CALLS = 2
    for _ in range(settings.AI_BREAKER_THRESHOLD):
        breaker_record_failure(main.pk)
    for _ in range(3):
        log_usage(at=timezone.now(), config=main, status="error", error_code="PROVIDER_ERROR")

    response = run_action(su_client, "providerconfig", "make_default", [main.pk])

    warning = messages_of(response)[1][1]
    assert (
        "its circuit is open" in warning and "100% of its 3 calls in the last 24 hours" in warning
    )


def test_make_default_of_a_healthy_config_says_nothing_more(su_client, configs):
    main, _ = configs

    response = run_action(su_client, "providerconfig", "make_default", [main.pk])

    assert messages_of(response) == [("success", "openai main is now the default provider.")]
