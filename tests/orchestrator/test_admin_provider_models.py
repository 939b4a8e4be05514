"""The provider console's model checks: Test now, warnings, configs that wait for a passing
test, and where each cost's price came from."""

import csv
import io
from decimal import Decimal

import pytest

from orchestrator.models import ModelPrice, ProviderConfig, UsageLog
from orchestrator.services import generate, provider_test
from tests.fixtures.admin import messages_of, run_action
from tests.fixtures.vendors import TEST_KEYS
from tests.orchestrator.test_admin_provider_configs import form_data
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


def change_url(config) -> str:
    return f"/admin/orchestrator/providerconfig/{config.pk}/change/"


def test_the_change_page_has_a_test_now_button_and_a_model_check(
    su_client, openai_double, make_provider
):
    config = make_provider(openai_double, quality_model="gpt-4o")

    html = su_client.get(change_url(config)).content.decode()

    assert f'action="/admin/orchestrator/providerconfig/{config.pk}/test/"' in html
    assert 'id="test-now"' in html and ">Test now</button>" in html
    assert "fast: <code>gpt-6-luna</code> — genai-prices" in html
    assert "quality: <code>gpt-4o</code> — genai-prices; shuts down 2027-01-14" in html


def test_test_now_tests_both_models_and_shows_the_warnings(su_client, openai_double, make_provider):
    config = make_provider(openai_double, quality_model="gpt-private-7")

    response = su_client.post(f"/admin/orchestrator/providerconfig/{config.pk}/test/", follow=True)

    assert response.redirect_chain == [(change_url(config), 302)]
    shown = messages_of(response)
    assert shown[0][0] == "success"
    assert shown[0][1].startswith("openai test: OK (gpt-6-luna answered in")
    assert "gpt-private-7 answered in" in shown[0][1]
    assert (
        "warning",
        "openai test: gpt-private-7 is not among the 3 models this key can see.",
    ) in shown
    assert any("gpt-private-7 is unpriced" in text for level, text in shown if level == "warning")
    html = response.content.decode()
    assert "<li>gpt-private-7 is not among the 3 models this key can see.</li>" in html
    assert TEST_KEYS["openai"] not in html
    listing = su_client.get("/admin/orchestrator/providerconfig/").content.decode()
    assert 'class="badge badge-2-warnings"' in listing


def test_test_now_reports_a_failure_and_needs_a_post(su_client, openai_double, make_provider):
    config = make_provider(openai_double)
    openai_double.script(Reply.invalid_key())

    assert su_client.get(f"/admin/orchestrator/providerconfig/{config.pk}/test/").status_code == 403
    response = su_client.post(f"/admin/orchestrator/providerconfig/{config.pk}/test/", follow=True)

    (level, text), *_ = messages_of(response)
    assert level == "error" and text.startswith("openai test: failed — gpt-6-luna: auth (HTTP 401)")
    assert TEST_KEYS["openai"] not in response.content.decode()


def test_test_now_is_for_provider_admins_only(staff_client, openai_double, make_provider):
    config = make_provider(openai_double)

    response = staff_client.post(f"/admin/orchestrator/providerconfig/{config.pk}/test/")

    assert response.status_code == 403
    assert openai_double.request_count == 0


def test_a_new_config_waits_inactive_until_a_test_passes(su_client, openai_double):
    response = su_client.post(
        "/admin/orchestrator/providerconfig/add/",
        form_data(base_url=openai_double.base_url, api_key=TEST_KEYS["openai"]),
        follow=True,
    )

    config = ProviderConfig.objects.get(name="openai prod")
    assert (config.is_active, config.activate_when_tested) == (False, True)
    assert (
        "warning",
        "openai prod stays inactive until a credentials test passes: press Test now.",
    ) in messages_of(response)
    listing = su_client.get("/admin/orchestrator/providerconfig/").content.decode()
    assert 'class="badge badge-awaiting-test"' in listing

    response = su_client.post(f"/admin/orchestrator/providerconfig/{config.pk}/test/", follow=True)

    config.refresh_from_db()
    assert config.is_active and not config.activate_when_tested
    assert ("success", "openai prod is now active.") in messages_of(response)


def test_an_admin_may_activate_a_new_config_knowingly(su_client, openai_double):
    su_client.post(
        "/admin/orchestrator/providerconfig/add/",
        form_data(activate_untested="on"),
        follow=True,
    )

    config = ProviderConfig.objects.get(name="openai prod")
    assert (config.is_active, config.activate_when_tested) == (True, False)
    assert "activate_untested" not in su_client.get(change_url(config)).content.decode()


def test_usage_rows_and_the_dashboard_say_what_priced_each_cost(
    su_client, openai_double, make_provider, user
):
    make_provider(openai_double, fast_model="gpt-private-7", quality_model="gpt-6.1-sol")
    openai_double.script(Reply.ok("x", input_tokens=1000, output_tokens=100))
    generate(user=user, task="extraction", prompt="hi")
    ModelPrice.objects.create(
        provider_type="openai",
        model="gpt-6.1-sol",
        input_per_million=Decimal("1"),
        output_per_million=Decimal("2"),
    )

    rows = su_client.get("/admin/orchestrator/usagelog/").content.decode()
    # The list has no price source column (it fits 1,400 px): the cost cell says it.
    assert '<td class="field-cost">$0.0' in rows and "(unpriced)</span>" in rows
    unpriced = su_client.get("/admin/orchestrator/usagelog/?price_source=unpriced")
    assert (
        unpriced.context["cl"].result_count
        == UsageLog.objects.filter(price_source="unpriced").count()
        == 1
    )

    dashboard = su_client.get("/admin/orchestrator/usagelog/dashboard/").content.decode()
    section = dashboard.split('id="price-sources"', 1)[1]
    assert "openai:gpt-private-7" in section
    assert '<td class="over">unpriced: charged at the ceiling price</td>' in section


def test_activating_a_waiting_config_by_hand_stops_the_wait(
    su_client, openai_double, make_provider
):
    config = make_provider(openai_double, is_active=False, activate_when_tested=True)

    run_action(su_client, "providerconfig", "activate", [config.pk])
    run_action(su_client, "providerconfig", "deactivate", [config.pk])
    provider_test(config=config)

    config.refresh_from_db()
    assert (config.is_active, config.activate_when_tested) == (False, False)


def test_the_csv_export_says_what_priced_each_row(su_client, openai_double, make_provider, user):
    make_provider(openai_double)
    generate(user=user, task="extraction", prompt="hi")

    response = su_client.get("/admin/orchestrator/usagelog/export/")

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["model"], r["price_source"]) for r in rows] == [("gpt-6-luna", "genai-prices")]


def test_a_price_row_shows_the_genai_prices_rate_it_overrides(su_client):
    for model in ("gpt-6.1-sol", "gpt-private-7"):
        ModelPrice.objects.create(
            provider_type="openai",
            model=model,
            input_per_million=Decimal("1"),
            output_per_million=Decimal("2"),
        )

    html = su_client.get("/admin/orchestrator/modelprice/").content.decode()

    assert "Price in genai-prices (this row overrides it)" in html
    assert "input $2 (+tiers), output $10 (+tiers), cached $0.1 (+tiers)" in html
    assert "— (unknown: this row is its only price)" in html


def test_the_change_page_shows_each_model_s_capabilities_and_a_refused_parameter(
    su_client, openai_double, make_provider, user
):
    config = make_provider(openai_double, fast_model="gpt-7-nova", quality_model="gpt-6.1-sol")
    generate(user=user, task="extraction", prompt="Say hello", temperature=0.3)  # healed

    html = su_client.get(change_url(config)).content.decode()

    assert (
        "reasoning_effort low/medium/high/xhigh/max (default medium); no temperature; "
        "max output 128,000; context 1,050,000" in html
    )
    assert "refused at run time, now left out: temperature" in html
    assert "gpt-7-nova refused temperature: calls to it now leave temperature out" in html

    response = run_action(su_client, "providerconfig", "forget_refused", [config.pk])

    assert ("success", "Forgot the refused parameters of 1 provider(s).") in messages_of(response)
    assert "refused at run time" not in su_client.get(change_url(config)).content.decode()
    generate(user=user, task="extraction", prompt="Again", temperature=0.3)
    assert "temperature" in openai_double.requests[-2].body  # sent again, refused, healed
