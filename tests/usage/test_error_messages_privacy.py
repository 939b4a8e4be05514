"""A vendor's answer that fails the schema while echoing the prompt must not carry users' text
or keys into the usage log that provider admins read, search and export."""

from __future__ import annotations

import json

import pytest

from core import errors
from core.secrets import scrub
from orchestrator.models import UsageLog
from orchestrator.services import generate
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/orchestrator/usagelog/"

CV_LINE = "Alice Example, 12 Private Lane, led the Initech migration"
PASTED_KEY = "sk-proj-Zq81mNcVb0KdA7rTyU3wEe9pL2sXo4Hj"
SCHEMA = {
    "type": "object",
    "required": ["summary", "years"],
    "properties": {"summary": {"type": "string"}, "years": {"type": "integer"}},
}


@pytest.fixture
def echoed_answer(openai_double, make_provider, user):
    """The vendor answers twice (the answer and its repair) with the CV's text and a pasted
    key where a number belongs."""
    make_provider(openai_double)
    echo = json.dumps({"summary": "ok", "years": f"{CV_LINE} {PASTED_KEY}"})
    openai_double.default = Reply.ok(echo)
    with pytest.raises(errors.BadAIOutput) as raised:
        generate(
            user=user,
            task="cv_draft",
            prompt=f"{CV_LINE} {PASTED_KEY}",
            response_schema=SCHEMA,
            provider_type="openai",
        )
    return raised.value


def test_a_schema_failure_is_stored_with_its_path_and_rule_only(echoed_answer):
    messages = list(UsageLog.objects.values_list("error_message", flat=True))

    assert messages == ["JSON does not match the schema at years: fails type 'integer'"] * 2
    assert CV_LINE not in echoed_answer.message and PASTED_KEY not in echoed_answer.message


def test_provider_admins_cannot_read_or_find_the_echoed_text(provider_admin_client, echoed_answer):
    row = UsageLog.objects.first()
    pages = {
        "list": provider_admin_client.get(CHANGELIST),
        "detail": provider_admin_client.get(f"{CHANGELIST}{row.pk}/change/"),
        "csv": provider_admin_client.get(CHANGELIST + "export/"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        body = b"".join(page.streaming_content) if page.streaming else page.content
        text = body.decode()
        assert "BAD_AI_OUTPUT" in text, name
        for secret in (CV_LINE, "Private Lane", PASTED_KEY, "Zq81mNcVb0"):
            assert secret not in text, (name, secret)

    for probe in ("Private Lane", "sk-proj", "Zq81mNcVb0"):
        found = provider_admin_client.get(CHANGELIST, {"error_message__icontains": probe})
        rows = found.context["cl"].result_list if found.status_code == 200 else []
        assert list(rows) == [], probe


def test_a_vendor_error_echoing_a_pasted_key_is_stored_without_it(
    openai_double, make_provider, user
):
    make_provider(openai_double)
    openai_double.default = Reply.error(400, f"Unsupported text near gsk_{PASTED_KEY[8:]} here")

    with pytest.raises(errors.AppError):
        generate(user=user, task="cv_draft", prompt="Draft", provider_type="openai")

    (message,) = UsageLog.objects.values_list("error_message", flat=True)
    assert "Unsupported text near [redacted] here" in message and PASTED_KEY[8:] not in message


@pytest.mark.parametrize(
    "secret",
    [
        "sk-proj-Zq81mNcVb0KdA7rTyU3wEe9pL2sXo4Hj",
        "sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
        "AIzaSyA1234567890abcdefghijklmnopqrstu",
        "gsk_abcdefghijklmnopqrstuvwxyz0123456789",
        "xai-abcdefghijklmnopqrstuvwxyz0123456789",
        "AKIAIOSFODNN7EXAMPLE",
        "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "https://hooks.example.com/notify?key=s3cr3t-token",
    ],
)
def test_the_scrubber_knows_the_common_key_shapes(secret):
    cleaned = scrub(f"The vendor echoed {secret} back, twice: {secret}.")

    assert cleaned.startswith("The vendor echoed ") and "twice" in cleaned
    assert secret[-12:] not in cleaned and "[redacted]" in cleaned


def test_the_scrubber_leaves_ordinary_words_alone():
    text = "A task-force of shelf_life experts kept a key results log at Acme."

    assert scrub(text) == text


def test_messages_stored_before_are_cleaned_by_the_migration():
    import importlib

    migration = importlib.import_module(
        "orchestrator.migrations.0019_error_messages_without_content"
    )
    old = f"JSON does not match the schema at years: '{CV_LINE} {PASTED_KEY}' is not an integer"

    cleaned = migration._cleaned(old)

    assert cleaned == "JSON does not match the schema at years: (detail not kept)"
    assert migration._cleaned(f"auth (HTTP 401): bad key {PASTED_KEY}") == (
        "auth (HTTP 401): bad key [redacted]"
    )
