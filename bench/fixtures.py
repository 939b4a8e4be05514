"""Bench data made through the project's own models and services (Django must be set up)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction

# The plan every bench user is on; its limits are lifted in the bench database so quotas are
# checked and reserved on every call (the real path) but never refuse.
BENCH_PLAN = "PRO_ANNUAL"
MODELS = {
    "openai": ("gpt-4o-mini", "gpt-4o"),
    "anthropic": ("claude-haiku-4-5", "claude-sonnet-4-6"),
    "gemini": ("gemini-2.5-flash", "gemini-2.5-pro"),
}
KEY_PREFIX = {"openai": "sk-bench-", "anthropic": "sk-ant-bench-", "gemini": "AIzaBench"}


def clean_start() -> None:
    """Where a phase of AI calls starts, so runs are comparable: an empty cache (no result,
    breaker or plan cached), an empty usage log (and what points at it), and the bench plan
    without limits."""
    from django.core.cache import cache

    cache.clear()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE orchestrator_usagelog, billing_quotacounter CASCADE")
    unlimited_plan()


def unlimited_plan() -> Any:
    from billing.models import Plan

    plan = Plan.objects.get(code=BENCH_PLAN)
    plan.daily_token_limit = plan.monthly_token_limit = plan.monthly_cost_limit_usd = None
    plan.save()
    return plan


def bench_user(username: str) -> Any:
    from billing.services import subscription_set_plan
    from orchestrator.snapshot import plan_for_user

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@bench.invalid"}
    )
    if plan_for_user(user=user).code != BENCH_PLAN:
        subscription_set_plan(user=user, plan_code=BENCH_PLAN)
    return user


@transaction.atomic
def bench_users_with_tokens(prefix: str, count: int) -> list[str]:
    """``count`` users on the bench plan, each with an API token; returns the tokens."""
    from accounts.tokens import token_issue

    tokens = []
    for i in range(count):
        user = bench_user(f"{prefix}{i:04d}")
        tokens.append(token_issue(user=user).token)
    return tokens


def provider_configs(base_urls: dict[str, str]) -> dict[str, tuple[Any, str]]:
    """One ProviderConfig per vendor double, fresh random keys; all other vendor configs go.

    Returns vendor -> (config, api_key) so the double can be told which key to expect.
    """
    from orchestrator.models import ProviderConfig

    ProviderConfig.objects.exclude(provider_type="offline").delete()
    made = {}
    for vendor, base_url in base_urls.items():
        fast, quality = MODELS[vendor]
        key = KEY_PREFIX[vendor] + secrets.token_hex(16)
        config = ProviderConfig(
            name=f"bench {vendor}",
            provider_type=vendor,
            base_url=base_url,
            fast_model=fast,
            quality_model=quality,
            priority=10,
        )
        config.set_api_key(key)
        config.save()
        made[vendor] = (config, key)
    return made


def activate_only(vendor: str) -> None:
    """The chain becomes [this vendor's double, offline]: what a one-provider install runs."""
    from orchestrator.models import ProviderConfig

    # save(), not update(): saving is what tells the orchestrator's config cache to reload.
    for config in ProviderConfig.objects.exclude(provider_type="offline"):
        config.is_active = config.provider_type == vendor
        config.save()
