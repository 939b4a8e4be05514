"""The admin-edited configuration every AI call reads, held per process, and the reads over
it: the routing rules, the provider chain (each link a `Route`, built once per snapshot with its
key decrypted) and a user's plan and limits (prices are pricing.py's).

Plans, routing rules, prices and provider configs change rarely but are read on every call;
querying them each time cost six queries (~3 ms). The snapshot is rebuilt when the version
token (models.ConfigVersion, one database row) changes. Saving or deleting any of those models
bumps it (signals in apps.py), in the same transaction as the edit. The token is read at most
once a second per process (one indexed query, ~0.1-0.3 ms; a call reads the snapshot several
times): this process sees its own edits at once, every other process using the same database
(a command, another server process, with or without Redis) within a second. Code that writes
them with QuerySet.update() (no signals) must call bump() itself.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from billing.models import Plan, PlanCode
from billing.quotas import Limits, OwnLimits
from billing.selectors import plan_code_and_own_limits
from core import outbound
from core.shared_state import redis_degraded

from .crypto import DecryptionError
from .models import ConfigVersion, ModelPrice, ProviderConfig, ProviderType, RoutingRule

RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Snapshot:
    version: str
    plans: dict[str, Any]  # code -> Plan
    rules: dict[tuple[str, str], str]  # (plan code, task) -> tier
    prices: dict[tuple[str, str], Any]  # (provider type, model) -> ModelPrice
    configs: list[Any]  # every ProviderConfig, in chain order
    config_ids: frozenset[int]

    @cached_property
    def active_routes(self) -> list[Any]:
        """The active configs as chain links, in chain order. Each holds its decrypted key:
        a Fernet decryption per config per call, once per snapshot instead (configs change
        only by a save, which makes a new snapshot)."""
        return [route_for(config) for config in self.configs if config.is_active]


_current: Snapshot | None = None
_checked_at = 0.0
_lock = threading.Lock()


def bump(**_: Any) -> None:
    """A new version token, committed with the caller's transaction (if any)."""
    forget()
    ConfigVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def forget() -> None:
    """Make the next current() rebuild the snapshot."""
    global _current, _checked_at
    _current, _checked_at = None, 0.0
    _remembered.clear()


# Facts read on every call (a user's plan, a healthy circuit) kept with the snapshot's
# staleness: until the next version check, at most RECHECK_SECONDS.
_remembered: dict[Any, Any] = {}
_MISSING = object()


def remember(key: Any, compute: Callable[[], Any], *, keep: Callable[[Any], bool] | None = None):
    """compute()'s value, remembered until the next version check; with `keep`, only a value
    it approves is remembered (the others are computed again on every call)."""
    current()  # a stale memory goes with its snapshot
    found = _remembered.get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        if keep is None or keep(found):
            _remembered[key] = found
    return found


def drop(key: Any) -> None:
    _remembered.pop(key, None)


def current() -> Snapshot:
    global _current, _checked_at
    snapshot = _current
    if snapshot is not None and time.monotonic() - _checked_at < RECHECK_SECONDS:
        return snapshot
    # One thread checks (and rebuilds); the others wait rather than take the old snapshot.
    with _lock:
        if _current is not None and time.monotonic() - _checked_at < RECHECK_SECONDS:
            return _current
        _remembered.clear()
        version = _read_version()
        if _current is None or _current.version != version:
            _current = _build(version)
        _checked_at = time.monotonic()
        return _current


def _read_version() -> str:
    """The current token; "" before the first edit (the row is made by the first bump)."""
    return ConfigVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def _build(version: str) -> Snapshot:
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


# --- The provider chain and its links ------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One link of the provider chain: a DB config, an env-only provider or the offline one."""

    provider_type: str
    name: str
    api_key: str
    base_url: str
    fast_model: str
    quality_model: str
    config_id: int | None = None
    # Why this link cannot be called (e.g. its key no longer decrypts); the chain logs it as a
    # failed attempt and goes on, instead of one broken config stopping every call.
    unusable: str = ""
    # Read by every attempt, so worked out once, when the link is built (the snapshot builds
    # it, once per version): answers that cost nothing (the offline provider) spend no token
    # or cost quota; `key` names the provider for its circuit breaker (the config id, or
    # env/offline).
    free: bool = field(init=False)
    key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "free", self.provider_type == ProviderType.OFFLINE)
        key = str(self.config_id) if self.config_id else f"{self.provider_type}-builtin"
        object.__setattr__(self, "key", key)

    def model_for(self, tier: str) -> str:
        return self.quality_model if tier == "quality" else self.fast_model


KEY_UNREADABLE = (
    "key cannot be decrypted: FIELD_ENCRYPTION_KEYS no longer holds the key that encrypted "
    "it; an admin must enter the API key again"
)


def base_url_refusal(base_url: str) -> str | None:
    """Why the outbound address policy refuses a provider's base URL, or None. A private or
    local server (Ollama, vLLM) must be listed in PROVIDER_ALLOWED_HOSTS: otherwise whoever
    edits configs could point "Test now" at the machine's or the cloud's internal services."""
    refusal = outbound.url_refusal(base_url, allowed_hosts=settings.PROVIDER_ALLOWED_HOSTS)
    if refusal and "private network" in refusal:
        refusal += " List its host in PROVIDER_ALLOWED_HOSTS to allow a server of your own."
    return refusal


def route_for(config: ProviderConfig) -> Route:
    try:
        api_key, unusable = config.api_key, ""
    except DecryptionError:
        api_key, unusable = "", KEY_UNREADABLE
    return Route(
        provider_type=config.provider_type,
        name=config.name,
        api_key=api_key,
        base_url=config.base_url,
        fast_model=config.fast_model,
        quality_model=config.quality_model,
        config_id=config.pk,
        unusable=unusable,
    )


def config_key_unreadable(config: ProviderConfig) -> bool:
    """Whether the config's stored API key no longer decrypts (for the admin and alerts)."""
    return bool(route_for(config).unusable)


# Providers configured by environment variables only, in a fixed order.
ENV_PROVIDER_ORDER = ("gemini", "openai", "anthropic")
BUILT_IN_OFFLINE = Route("offline", "Offline (built in)", "", "", "offline", "offline")


def provider_chain(*, provider_type: str | None = None) -> list[Route]:
    """Active DB configs (default first, then priority), env-only providers, offline last."""
    config = current()
    routes = config.active_routes  # in Meta.ordering: default first, then priority
    chain = [route for route in routes if route.provider_type != ProviderType.OFFLINE]
    in_db = {config.provider_type for config in config.configs}
    for kind in ENV_PROVIDER_ORDER:
        env = settings.PROVIDER_ENV[kind]
        if env["api_key"] and kind not in in_db:
            chain.append(
                Route(
                    provider_type=kind,
                    name=f"{kind} (environment)",
                    api_key=env["api_key"],
                    base_url=env["base_url"],
                    fast_model=env["fast_model"],
                    quality_model=env["quality_model"],
                )
            )
    if settings.OFFLINE_PROVIDER_ENABLED:
        offline = [route for route in routes if route.provider_type == ProviderType.OFFLINE]
        if offline:
            chain.append(offline[0])
        elif ProviderType.OFFLINE not in in_db:
            chain.append(BUILT_IN_OFFLINE)
    if provider_type:
        chain = [route for route in chain if route.provider_type == provider_type]
    return chain


# The plan an AI call runs under (a user's active subscription) and the limits it runs under
# (the plan's, or the user's own), read through the snapshot on every call.


def plan_cache_key(user_id: int) -> str:
    # v2: the value holds the user's own limits too.
    return f"plan-of:v2:{user_id}"


def forget_plan(*, user_id: int) -> None:
    """After a change of subscription or own limits: this process at once, the others within
    a second (they remember a user's plan code as long as their config snapshot, see
    plan_for_user)."""
    drop(("plan", user_id))
    if settings.PLAN_CACHE_SECONDS:
        key = plan_cache_key(user_id)
        cache.delete(key)
        # Again once committed: a process that read the old subscription meanwhile may have
        # cached it.
        transaction.on_commit(lambda: cache.delete(key))


def _plan_code(user) -> tuple[str, dt.datetime | None, OwnLimits | None]:
    # While Redis is away the cache is this process's memory, which a plan change made in
    # another process cannot reach: read the database, as without Redis (core/shared_state.py).
    shared = settings.PLAN_CACHE_SECONDS and not redis_degraded()
    key = plan_cache_key(user.pk)
    found = cache.get(key) if shared else None
    if found is None:
        found = plan_code_and_own_limits(user_id=user.pk)
        if shared:
            cache.set(key, found, timeout=settings.PLAN_CACHE_SECONDS)
    return found


def plan_for_user(*, user) -> Plan:
    """The plan of the user's active subscription; FREEMIUM without one (or for no user).

    Read on every AI call, so each process remembers the user's plan code as long as its
    config snapshot (a second), with Redis it is also cached there for PLAN_CACHE_SECONDS
    (dropped by a signal whenever one of their subscriptions changes), and the Plan itself
    comes from the snapshot.
    """
    return limits_for_user(user=user).plan


def limits_for_user(*, user) -> Limits:
    """The user's plan and the limits their calls run under: the plan's, or the user's own
    where an admin set some."""
    return Limits.of(*plan_and_own_limits(user=user))


def plan_and_own_limits(*, user) -> tuple[Plan, OwnLimits | None]:
    """The user's plan and own limits, remembered and cached with the plan code (see
    plan_for_user): an AI call reads no more rows for them, and an edit is forgotten as a
    subscription change is."""
    plans = current().plans
    if user is not None and user.pk is not None:
        code, period_end, own = remember(("plan", user.pk), lambda: _plan_code(user))
        if code in plans and (period_end is None or period_end > timezone.now()):
            return plans[code], own
        return plans[PlanCode.FREEMIUM], own
    return plans[PlanCode.FREEMIUM], None
