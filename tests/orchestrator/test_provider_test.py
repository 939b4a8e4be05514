"""Test credentials: a cheap real call, its outcome stored on the config and logged."""

import pytest

from orchestrator.models import ProviderConfig, UsageLog
from orchestrator.services import provider_test
from tests.doubles import Reply

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
