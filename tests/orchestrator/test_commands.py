"""The gateway's management commands (test_provider, rotate_encryption_key, seed_defaults),
run as `manage.py` would run them."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from billing.models import Plan
from orchestrator import crypto
from orchestrator.models import ModelPrice, ProviderConfig, RoutingRule
from tests.fixtures.vendors import TEST_KEYS
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


# --- test_provider ---------------------------------------------------------------------------


def test_test_provider_by_name(openai_double, make_provider):
    config = make_provider(openai_double)

    out = run("test_provider", "openai test")

    assert "[1/1] openai test (openai)" in out and "OK (gpt-6-luna answered" in out
    assert "All 1 provider test(s) passed." in out
    config.refresh_from_db()
    assert config.last_test_status == "ok"


def test_test_provider_fails_with_the_vendors_reason(anthropic_double, make_provider):
    make_provider(anthropic_double)
    anthropic_double.script(Reply.invalid_key())
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 provider test"):
        call_command("test_provider", "anthropic test", stdout=out)

    assert "anthropic test: failed" in out.getvalue()
    assert TEST_KEYS["anthropic"] not in out.getvalue()
    assert ProviderConfig.objects.get(name="anthropic test").last_test_status == "failed"


def test_test_provider_all(openai_double, gemini_double, make_provider):
    make_provider(openai_double)
    make_provider(gemini_double)
    gemini_double.script(Reply.error(503))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 3 provider test"):
        call_command("test_provider", "--all", stdout=out)

    text = out.getvalue()
    assert "[3/3]" in text and "Offline (built in)" in text
    assert "openai test: OK" in text and "gemini test: failed" in text


def test_test_provider_wants_names_or_all(db):
    with pytest.raises(CommandError, match="or pass --all"):
        run("test_provider")
    with pytest.raises(CommandError, match="No provider config named nope"):
        run("test_provider", "nope")


# --- rotate_encryption_key -------------------------------------------------------------------


@pytest.fixture
def old_and_new_keys(settings):
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    return old, new


def _config(name: str, key: str) -> ProviderConfig:
    config = ProviderConfig(name=name, provider_type="openai", fast_model="a", quality_model="b")
    config.set_api_key(key)
    config.save()
    return config


def test_rotation_re_encrypts_every_key_with_the_first(settings, old_and_new_keys):
    old, new = old_and_new_keys
    configs = [
        _config("one", "sk-one-0000000000000000001111"),
        _config("two", "sk-two-0000000000000000002222"),
    ]
    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    out = run("rotate_encryption_key")

    assert "Rotating 2 stored key(s)" in out and "Rotated 2, failed 0." in out
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can go now
    for config, key in zip(
        configs, ["sk-one-0000000000000000001111", "sk-two-0000000000000000002222"], strict=True
    ):
        config.refresh_from_db()
        assert config.api_key == key
    assert "Rotated 2, failed 0." in run("rotate_encryption_key")  # safe to rerun


def test_rotation_reports_keys_it_cannot_read_and_rotates_the_rest(settings, old_and_new_keys):
    old, new = old_and_new_keys
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    _config("orphan", "sk-orphan-000000000000000000000")  # under a key about to be lost
    settings.FIELD_ENCRYPTION_KEYS = [old]
    good = _config("good", "sk-good-0000000000000000000000")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 key\\(s\\) could not be decrypted: orphan"):
        call_command("rotate_encryption_key", stdout=out)

    assert "orphan: cannot be decrypted" in out.getvalue()
    assert "Rotated 1, failed 1." in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new]
    good.refresh_from_db()
    assert good.api_key == "sk-good-0000000000000000000000"
    with pytest.raises(crypto.DecryptionError):
        ProviderConfig.objects.get(name="orphan").api_key  # noqa: B018


# --- seed_defaults ---------------------------------------------------------------------------


def test_seed_defaults_on_a_fresh_database_says_what_is_there_and_what_it_created(db):
    Plan.objects.filter(code="PRO_ANNUAL").delete()  # as if one were missing

    out = run("seed_defaults")

    assert "Defaults in place: 4 plans, " in out
    assert "Created now: 1 plan, " in out and "routing rules." in out
    assert "created 0" not in out


def test_seed_defaults_is_idempotent(db):
    RoutingRule.objects.filter(plan__code="FREEMIUM", task="cv_draft").update(tier="quality")
    counts = (
        RoutingRule.objects.count(),
        ModelPrice.objects.count(),
        ProviderConfig.objects.count(),
    )

    out = run("seed_defaults")

    assert "Defaults in place: 4 plans, " in out
    assert "Nothing was missing; nothing was changed." in out
    assert counts == (
        RoutingRule.objects.count(),
        ModelPrice.objects.count(),
        ProviderConfig.objects.count(),
    )
    # What an admin changed stays changed.
    assert RoutingRule.objects.get(plan__code="FREEMIUM", task="cv_draft").tier == "quality"


def test_test_provider_prints_the_model_warnings(openai_double, make_provider):
    make_provider(openai_double, quality_model="gpt-4o")
    out = io.StringIO()

    call_command("test_provider", "openai test", stdout=out)

    assert "warning: gpt-4o is being retired (2027-01-14); choose a current model." in (
        out.getvalue()
    )
