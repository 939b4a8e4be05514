"""API keys at rest: Fernet tokens under FIELD_ENCRYPTION_KEYS (MultiFernet for rotation)."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored secret cannot be read with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes; make one with `python -c 'from "
            "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)."
        ) from exc


def _current() -> MultiFernet:
    keys = tuple(k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return _fernet(keys)


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(
            "A stored API key cannot be decrypted with FIELD_ENCRYPTION_KEYS; "
            "was the key that encrypted it removed?"
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt under the first key; tokens already under it come back re-encrypted too."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A stored API key cannot be decrypted for rotation.") from exc


def fingerprint(plaintext: str) -> str:
    return f"…{plaintext[-4:]}" if plaintext else ""
