"""The admin-edited configuration every AI call reads, held per process.

Plans, routing rules, prices and provider configs change rarely but are read on every call;
querying them each time cost six queries (~3 ms). The snapshot is rebuilt when the version
key in Django's cache changes. Saving or deleting any of those models bumps it (signals in
apps.py). The version is read at most once a second per process (each read is a cache
round trip, and a call reads the snapshot several times): this process sees its own edits
at once, other processes (through Redis) within a second. Code that writes them with
QuerySet.update() (no signals) must call bump() itself.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

VERSION_KEY = "ai:config-version"
RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Snapshot:
    version: str
    plans: dict[str, Any]  # code -> Plan
    rules: dict[tuple[str, str], str]  # (plan code, task) -> tier
    prices: dict[tuple[str, str], Any]  # (provider type, model) -> ModelPrice
    configs: list[Any]  # every ProviderConfig, in chain order
    config_ids: frozenset[int]


_current: Snapshot | None = None
_checked_at = 0.0


def bump(**_: Any) -> None:
    forget()
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def forget() -> None:
    """Make the next current() read the version (and rebuild if it moved)."""
    global _checked_at
    _checked_at = 0.0


def current() -> Snapshot:
    global _current, _checked_at
    now = time.monotonic()
    if _current is not None and now - _checked_at < RECHECK_SECONDS:
        return _current
    _checked_at = now
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    snapshot = _current
    if snapshot is None or snapshot.version != version:
        snapshot = _current = _build(version)
    return snapshot


def _build(version: str) -> Snapshot:
    from billing.models import Plan

    from .models import ModelPrice, ProviderConfig, RoutingRule

    plans = {plan.code: plan for plan in Plan.objects.all()}
    by_id = {plan.pk: plan.code for plan in plans.values()}
    return Snapshot(
        version=version,
        plans=plans,
        rules={(by_id[r.plan_id], r.task): r.tier for r in RoutingRule.objects.all()},
        prices={(p.provider_type, p.model): p for p in ModelPrice.objects.all()},
        configs=(configs := list(ProviderConfig.objects.all())),
        config_ids=frozenset(config.pk for config in configs),
    )
