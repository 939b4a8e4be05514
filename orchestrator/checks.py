"""System checks run by every management command (`check --deploy`, `migrate`, `runserver`).

A FIELD_ENCRYPTION_KEYS entry that is not a Fernet key makes every stored API key unreadable
and every AI call fail; it is refused before the service starts, not found by the first user.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security)
def encryption_keys_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for position, key in enumerate(settings.FIELD_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key.strip())
        except (ValueError, TypeError):
            problems.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS entry {position} is not a valid Fernet key.",
                    hint="A Fernet key is 32 url-safe base64-encoded bytes; make one with "
                    "`python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'`.",
                    id="orchestrator.E001",
                )
            )
    return problems
