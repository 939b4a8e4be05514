"""API keys at rest: encrypted, rotatable, never in clear in the table."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from orchestrator import crypto
from orchestrator.models import ProviderConfig

KEY = "sk-live-very-secret-key-0123456789"


def test_round_trip():
    token = crypto.encrypt(KEY)
    assert token != KEY and KEY not in token
    assert crypto.decrypt(token) == KEY


def test_rotation_old_key_still_decrypts_and_rotate_moves_to_the_new_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = crypto.encrypt(KEY)

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(token) == KEY
    rotated = crypto.rotate(token)

    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert crypto.decrypt(rotated) == KEY
    with pytest.raises(crypto.DecryptionError, match="cannot be decrypted"):
        crypto.decrypt(token)


def test_a_missing_key_is_a_clear_error(settings):
    token = crypto.encrypt(KEY)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError) as caught:
        crypto.decrypt(token)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("bad", [["not-a-fernet-key"], []])
def test_an_invalid_key_setting_is_improperly_configured(settings, bad):
    settings.FIELD_ENCRYPTION_KEYS = bad
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt(KEY)


@pytest.mark.django_db
def test_the_table_holds_no_plaintext_key():
    config = ProviderConfig(
        name="OpenAI", provider_type="openai", fast_model="a", quality_model="b"
    )
    config.set_api_key(KEY)
    config.save()

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM orchestrator_providerconfig WHERE id = %s", [config.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert KEY not in row and KEY[:12] not in row
    assert ProviderConfig.objects.get(pk=config.pk).api_key == KEY
    assert config.key_fingerprint == "…6789"
