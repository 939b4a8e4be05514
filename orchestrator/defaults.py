"""The defaults every installation starts from: plans, routing policy, prices, offline provider.

Default models are in catalogue.py (settings and the env-only providers use them).

Applied by a data migration (so a fresh database is usable at once) and by the idempotent
`seed_defaults` command. Admins edit all of it afterwards; nothing here is consulted at run
time.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .registry import FAST, matrix_tasks

# code: (name, daily tokens, monthly tokens, monthly cost limit USD)
PLANS = {
    "FREEMIUM": ("Freemium", 20_000, 200_000, Decimal("1.00")),
    "PAYGO": ("Pay as you go", 500_000, 5_000_000, Decimal("25.00")),
    "PRO_MONTHLY": ("Pro (monthly)", 1_000_000, 10_000_000, Decimal("50.00")),
    "PRO_ANNUAL": ("Pro (annual)", 1_000_000, 10_000_000, Decimal("50.00")),
}


def policy() -> dict[str, dict[str, str]]:
    """Plan code → task → tier, as the tasks' registrations set their defaults."""
    return {
        code: {task.name: task.tiers.get(code, FAST) for task in matrix_tasks()} for code in PLANS
    }


# USD per million tokens: input, output, cached input. Vendor models are priced by genai-prices
# (orchestrator/pricing.py); a row here or in the admin overrides it. The offline provider is
# ours and free.
PRICES = {
    ("offline", "offline"): ("0", "0", "0"),
}

OFFLINE_PROVIDER = {
    "name": "Offline (built in)",
    "provider_type": "offline",
    "fast_model": "offline",
    "quality_model": "offline",
    "priority": 1000,
    "is_active": True,
}


def apply(*, plan_model: Any, rule_model: Any, price_model: Any, provider_model: Any) -> dict:
    """Create what is missing; never overwrite what an admin changed. Returns counts."""
    created = {"plans": 0, "rules": 0, "prices": 0, "providers": 0}
    plans = {}
    for code, (name, daily, monthly, cost) in PLANS.items():
        plans[code], new = plan_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "daily_token_limit": daily,
                "monthly_token_limit": monthly,
                "monthly_cost_limit_usd": cost,
            },
        )
        created["plans"] += new
    for code, tasks in policy().items():
        for task, tier in tasks.items():
            _, new = rule_model.objects.get_or_create(
                plan=plans[code], task=task, defaults={"tier": tier}
            )
            created["rules"] += new
    for (provider_type, model), (inp, out, cached) in PRICES.items():
        _, new = price_model.objects.get_or_create(
            provider_type=provider_type,
            model=model,
            defaults={
                "input_per_million": Decimal(inp),
                "output_per_million": Decimal(out),
                "cached_input_per_million": Decimal(cached),
            },
        )
        created["prices"] += new
    if not provider_model.objects.filter(provider_type="offline").exists():
        provider_model.objects.create(**OFFLINE_PROVIDER)
        created["providers"] += 1
    return created
