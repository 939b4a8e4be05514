"""A provider config whose API key no longer decrypts is skipped, never stops the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from orchestrator import snapshot
from orchestrator.models import UsageLog
from orchestrator.services import provider_test
from tests.fixtures.jobs import EXTRACT, job_answer
from tests.support.doubles import Reply
from usage.alerts import alerts_check
from usage.models import Alert

pytestmark = pytest.mark.django_db

POSTING = (Path(__file__).resolve().parents[1] / "data" / "jobs" / "plain_posting.txt").read_text()
REMOVED_KEY = Fernet.generate_key().decode()


@pytest.fixture
def broken(settings, make_provider, openai_double):
    """The default provider's key was encrypted under a key since removed from
    FIELD_ENCRYPTION_KEYS (the service restarted with the new list)."""
    kept = settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = [REMOVED_KEY]
    config = make_provider(openai_double, name="OpenAI main", is_default=True)
    settings.FIELD_ENCRYPTION_KEYS = kept
    snapshot.bump()
    return config


def test_the_rest_of_the_chain_serves_and_the_skipped_config_is_a_failed_attempt(
    api_client, user, broken, openai_double, anthropic_double, make_provider
):
    make_provider(anthropic_double)
    anthropic_double.default = Reply.ok(job_answer(title="Served by Claude"))

    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["data"]["title"] == "Served by Claude"
    assert openai_double.request_count == 0
    rows = UsageLog.objects.filter(user=user).order_by("id")
    assert [(r.provider_config_id, r.status, r.error_code) for r in rows] == [
        (broken.pk, "error", "PROVIDER_ERROR"),
        (rows[1].provider_config_id, "success", ""),
    ]
    assert rows[0].error_message.startswith("key cannot be decrypted")
    assert rows[1].provider_type == "anthropic"


def test_with_no_other_provider_the_user_gets_a_provider_error_that_says_why(
    api_client, user, broken, settings
):
    settings.OFFLINE_PROVIDER_ENABLED = False

    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    body = response.json()
    assert response.status_code == 502 and body["error_code"] == "PROVIDER_ERROR"
    assert "cannot be decrypted" in body["message"]
    assert UsageLog.objects.get(user=user).provider_config_id == broken.pk


def test_the_offline_provider_still_answers(api_client, user, broken):
    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert response.status_code == 201
    assert response.json()["data"]["extracted_by"] == "offline"


def test_an_alert_is_raised_and_the_provider_list_says_key_unreadable(broken, django_user_model):
    alerts = alerts_check()

    assert [(a.kind, a.subject) for a in alerts] == [
        (Alert.Kind.PROVIDER_TEST_FAILED, "OpenAI main")
    ]
    assert "cannot be decrypted" in alerts[0].message
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/orchestrator/providerconfig/").content.decode()
    assert "key unreadable" in page


def test_the_credentials_test_says_the_key_cannot_be_decrypted(broken, openai_double):
    outcome = provider_test(config=broken)

    assert not outcome.ok and "key cannot be decrypted" in outcome.message
    assert openai_double.request_count == 0
