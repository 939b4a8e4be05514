"""System checks run by every management command (`check --deploy`, `migrate`, `runserver`).

A FIELD_ENCRYPTION_KEYS entry that is not a Fernet key makes every stored API key unreadable
and every AI call fail; it is refused before the service starts, not found by the first user.
So is a UsageLog that gained save() logic or signal receivers its fast INSERT would skip. A
quota hold margin too short for the database waits a call may still make once its vendor has
answered is warned about.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

SIGNALS = (("pre_save", pre_save), ("post_save", post_save))


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


@register()
def usage_log_plain_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """UsageLog rows are written by orchestrator.hotpath.usage_insert, past save(): a save()
    override or a pre_save/post_save receiver of UsageLog would silently never run."""
    from .models import UsageLog

    found = []
    if UsageLog.save is not Model.save:
        found.append("a save() override")
    found += [f"a {name} receiver" for name, signal in SIGNALS if signal.has_listeners(UsageLog)]
    return [
        Error(
            f"UsageLog has {what}, which its rows never go through: the gateway inserts them "
            "directly (orchestrator/hotpath.py).",
            hint="Do the work where the row is written (orchestrator.hotpath.usage_insert's "
            "callers), or in a query over the rows; or write the rows through save() again "
            "and measure the cost with `python -m bench --only overhead`.",
            obj=UsageLog,
            id="orchestrator.E002",
        )
        for what in found
    ]


# Database waits a call may still make once its vendor has answered: its usage row, one more
# try at once (orchestrator/gateway/attempt.py), the final settlement (every door's settle()).
WAITS_AFTER_THE_ANSWER = 3


@register()
def quota_hold_margin_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A hold expires AI_CALL_BUDGET + QUOTA_HOLD_MARGIN after its call began; a call whose
    vendor has answered may then wait for a pooled connection up to three times. A margin
    shorter than those waits lets the reaper close a live call's hold as ABANDONED (seen under
    overload: 29 calls of a live server), with estimated tokens in place of the row it was
    about to write."""
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    if not isinstance(pool, dict):
        return []
    waits = WAITS_AFTER_THE_ANSWER * float(pool.get("timeout", 30.0))
    if settings.QUOTA_HOLD_MARGIN >= waits:
        return []
    return [
        Warning(
            f"QUOTA_HOLD_MARGIN ({settings.QUOTA_HOLD_MARGIN} s) is shorter than the database "
            f"waits a call may still make after its vendor answered ({WAITS_AFTER_THE_ANSWER} "
            f"x DB_POOL_TIMEOUT = {waits:g} s): under load the reaper may close a live call's "
            "quota hold as ABANDONED, with estimated tokens in place of its real usage row.",
            hint=f"Set QUOTA_HOLD_MARGIN to at least {waits:g}, or lower DB_POOL_TIMEOUT.",
            id="orchestrator.W001",
        )
    ]
