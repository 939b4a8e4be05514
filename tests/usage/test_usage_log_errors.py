"""A user's usage log says what went wrong in plain words; the vendor's own text (statuses,
provider names, key fragments) stays in the admin."""

import pytest
from django.test import Client

from core.errors import ProviderFailed
from orchestrator.models import UsageLog
from orchestrator.services import generate
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


def test_a_rejected_key_reads_as_a_plain_message_and_the_admin_keeps_the_vendor_text(
    api_client, user, openai_double, make_provider, django_user_model
):
    make_provider(openai_double)
    openai_double.script(Reply.invalid_key())
    with pytest.raises(ProviderFailed):
        generate(user=user, task="cv_draft", prompt="Draft my CV.", provider_type="openai")

    response = api_client.get("/api/v1/usage/logs")

    assert response.status_code == 200
    failed = [row for row in response.json()["data"]["results"] if row["status"] == "error"]
    assert [(row["error_code"], row["error_message"]) for row in failed] == [
        (
            "PROVIDER_ERROR",
            "The AI provider could not answer; another one may have served the request.",
        )
    ]
    body = response.content.decode()
    assert "HTTP 401" not in body and "Incorrect API key" not in body and "auth (" not in body

    row = UsageLog.objects.get(user=user, status="error")
    assert row.error_message.startswith("auth (HTTP 401):")
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456")
    admin = Client()
    admin.force_login(root)
    page = admin.get(f"/admin/orchestrator/usagelog/{row.pk}/change/").content.decode()
    assert "auth (HTTP 401)" in page


def test_a_served_call_has_no_error_message(api_client, user, openai_double, make_provider):
    make_provider(openai_double)
    generate(user=user, task="cv_draft", prompt="Draft my CV.", provider_type="openai")

    [row] = api_client.get("/api/v1/usage/logs").json()["data"]["results"]

    assert (row["status"], row["error_code"], row["error_message"]) == ("success", "", "")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("PROVIDER_TIMEOUT", "The AI provider did not answer in time."),
        ("BAD_AI_OUTPUT", "The AI answer was not usable."),
        ("QUOTA_EXCEEDED", "Your plan's quota was used up; the call was not made."),
        ("NO_PROVIDER", "No AI provider was available."),
        ("SOMETHING_NEW", "The AI call failed."),
    ],
)
def test_each_error_code_has_a_plain_message(api_client, user, code, message):
    UsageLog.objects.create(
        user=user,
        task_type="cv_draft",
        status="error",
        error_code=code,
        error_message="vendor said: HTTP 500 upstream connect error from sk-ab***wxyz",
        request_id="r",
    )

    [row] = api_client.get("/api/v1/usage/logs").json()["data"]["results"]

    assert (row["error_code"], row["error_message"]) == (code, message)
