"""Test credentials: a cheap real call per model and the vendor's model list; the outcome and
what an admin should fix are stored on the config; active configs are re-tested daily."""

import pytest

from orchestrator.models import ProviderConfig, UsageLog
from orchestrator.periodic import provider_configs_retest
from orchestrator.services import provider_test
from orchestrator.snapshot import provider_chain
from tests.support.doubles import Reply
from usage.alerts import alerts_check
from usage.models import Alert

pytestmark = pytest.mark.django_db


def test_good_credentials_are_marked_ok(any_double, make_provider):
    config = make_provider(any_double)

    outcome = provider_test(config=config)

    assert outcome.ok and "OK" in outcome.message
    config.refresh_from_db()
    assert config.last_test_status == "ok" and config.last_tested_at is not None
    logs = UsageLog.objects.order_by("pk")
    assert [(log.model, log.task_type, log.status, log.user) for log in logs] == [
        (config.fast_model, "provider_test", "success", None),
        (config.quality_model, "provider_test", "success", None),
    ]
    assert {log.prompt_version for log in logs} == {"provider_test@code"}


def test_bad_credentials_are_marked_failed_without_showing_the_key(any_double, make_provider):
    config = make_provider(any_double, api_key="sk-wrong-0123456789abcdef-AIzaX")
    any_double.expect_key = "the-real-key"

    outcome = provider_test(config=config)

    assert not outcome.ok and "auth" in outcome.message
    config.refresh_from_db()
    assert config.last_test_status == ProviderConfig.TestStatus.FAILED
    assert "0123456789abcdef" not in config.last_test_message
    assert UsageLog.objects.get().status == "error"


def test_an_unreachable_provider_is_reported(any_double, make_provider):
    config = make_provider(any_double)
    any_double.script(Reply.error(503))

    outcome = provider_test(config=config)

    assert not outcome.ok and "unavailable" in outcome.message


def called_models(double) -> list[str]:
    """The models the double was asked to generate with, in order."""
    out = []
    for seen in double.requests:
        if seen.method != "POST":
            continue
        if double.vendor == "gemini":  # /v1/models/{model}:generateContent
            out.append(seen.path.rsplit("/", 1)[-1].split(":", 1)[0])
        else:
            out.append(seen.body["model"])
    return out


def test_both_models_are_called_and_the_model_list_is_read(any_double, make_provider):
    config = make_provider(any_double)

    outcome = provider_test(config=config)

    assert called_models(any_double) == [config.fast_model, config.quality_model]
    assert [(s.method, s.path) for s in any_double.requests if s.method == "GET"] == [
        ("GET", "/v1/models")
    ]
    assert f"{config.fast_model} answered" in outcome.message
    assert f"{config.quality_model} answered" in outcome.message
    assert outcome.warnings == ()
    config.refresh_from_db()
    assert config.last_test_warnings == []


def test_a_failing_quality_model_fails_the_test(any_double, make_provider):
    config = make_provider(any_double)
    any_double.script(Reply.ok(), Reply.error(404, "The model does not exist."))

    outcome = provider_test(config=config)

    assert not outcome.ok
    assert outcome.message.startswith(f"{config.name}: failed — {config.quality_model}:")
    config.refresh_from_db()
    assert config.last_test_status == ProviderConfig.TestStatus.FAILED


def test_a_model_the_key_cannot_see_is_a_warning(any_double, make_provider):
    config = make_provider(any_double)
    del any_double.models[config.quality_model]

    outcome = provider_test(config=config)

    assert outcome.ok
    assert outcome.warnings == (
        f"{config.quality_model} is not among the {len(any_double.models)} models this key "
        "can see.",
    )
    config.refresh_from_db()
    assert config.last_test_warnings == list(outcome.warnings)


@pytest.mark.parametrize("vendor", ["openai", "anthropic"])
def test_a_model_the_vendor_lists_as_retiring_is_a_warning(vendor, vendor_doubles, make_provider):
    double = vendor_doubles[vendor]
    double.reset()
    config = make_provider(double)
    double.models[config.fast_model] = "2027-03-01"  # OpenAI shutdown_date, Anthropic retires_at

    outcome = provider_test(config=config)

    assert outcome.ok and len(outcome.warnings) == 1
    assert outcome.warnings[0].startswith(f"{config.fast_model} is being retired (")
    assert "2027-03-01" in outcome.warnings[0]


def test_a_model_with_an_announced_shutdown_and_no_price_is_flagged(openai_double, make_provider):
    # gpt-4o: shutdown 2027-01-14 in the SDK's notes; "gpt-private-7" is priced by nobody.
    config = make_provider(openai_double, fast_model="gpt-4o", quality_model="gpt-private-7")
    openai_double.models.update({"gpt-4o": None, "gpt-private-7": None})

    outcome = provider_test(config=config)

    assert outcome.ok
    assert outcome.warnings == (
        "gpt-4o is being retired (2027-01-14); choose a current model.",
        "gpt-private-7 is unpriced: its calls are charged at the ceiling price until a Model "
        "price row prices it.",
    )


def test_a_config_waiting_for_a_test_is_activated_by_a_passing_one(openai_double, make_provider):
    config = make_provider(openai_double, is_active=False, activate_when_tested=True)
    openai_double.script(Reply.invalid_key())

    assert not provider_test(config=config).ok
    config.refresh_from_db()
    assert (config.is_active, config.activate_when_tested) == (False, True)

    assert provider_test(config=config).ok
    config.refresh_from_db()
    assert (config.is_active, config.activate_when_tested) == (True, False)
    assert [route.name for route in provider_chain()][0] == config.name


def test_an_inactive_config_stays_inactive_after_a_passing_test(openai_double, make_provider):
    config = make_provider(openai_double, is_active=False)

    assert provider_test(config=config).ok
    config.refresh_from_db()
    assert config.is_active is False


def test_the_daily_retest_tests_active_configs_and_the_alert_fires(
    openai_double, gemini_double, make_provider, settings
):
    working = make_provider(openai_double)
    revoked = make_provider(gemini_double)
    asleep = make_provider(openai_double, name="spare", is_active=False)
    gemini_double.expect_key = "a-rotated-key"  # the stored key no longer works

    failed = provider_configs_retest.apply().get()

    assert failed == 1
    tested = dict(ProviderConfig.objects.values_list("name", "last_test_status"))
    assert tested[working.name] == "ok" and tested[revoked.name] == "failed"
    assert tested[asleep.name] == "untested"
    open_alerts = [(a.kind, a.subject) for a in alerts_check()]
    assert (Alert.Kind.PROVIDER_TEST_FAILED, revoked.name) in open_alerts
    assert settings.PROVIDER_RETEST_SECONDS == 24 * 3600  # its interval: daily


def test_a_model_genai_prices_marks_deprecated_is_a_warning(gemini_double, make_provider):
    config = make_provider(gemini_double, quality_model="gemini-3-pro-preview")
    gemini_double.models["gemini-3-pro-preview"] = None  # Gemini's list says nothing of it

    outcome = provider_test(config=config)

    assert outcome.warnings == (
        "gemini-3-pro-preview is being retired (deprecated); choose a current model.",
    )
