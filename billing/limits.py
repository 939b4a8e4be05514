"""The limits a user's AI calls run under: their plan's, with any of their own in its place."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.money import usd

from .models import Plan

LIMIT_NAMES = ("daily_tokens", "monthly_tokens", "monthly_cost_usd")
_FIELDS = {
    "daily_tokens": "daily_token_limit",
    "monthly_tokens": "monthly_token_limit",
    "monthly_cost_usd": "monthly_cost_limit_usd",
}


@dataclass(frozen=True)
class OwnLimits:
    """A user's own limits (None: the plan's), small and immutable so that it is remembered
    and cached with the user's plan code."""

    daily_tokens: int | None = None
    monthly_tokens: int | None = None
    monthly_cost_usd: Decimal | None = None


@dataclass(frozen=True)
class Limits:
    """The limits in force (None: unlimited) and which of them are the user's own."""

    plan: Plan
    daily_tokens: int | None
    monthly_tokens: int | None
    monthly_cost_usd: Decimal | None
    own: frozenset[str] = frozenset()

    @classmethod
    def of(cls, plan: Plan, own: OwnLimits | None = None) -> Limits:
        values = {name: getattr(plan, field) for name, field in _FIELDS.items()}
        mine = set()
        for name in LIMIT_NAMES:
            if own is not None and (value := getattr(own, name)) is not None:
                values[name] = value
                mine.add(name)
        return cls(plan=plan, **values, own=frozenset(mine))


LIMIT_LABELS = {
    "daily_tokens": "today's tokens",
    "monthly_tokens": "this month's tokens",
    "monthly_cost_usd": "this month's cost",
}


def limit_text(name: str, value: int | Decimal | None) -> str:
    """A limit or an amount as an admin reads it: "20,000 tokens", "$1.00", "unlimited"."""
    if value is None:
        return "unlimited"
    return usd(value) if name == "monthly_cost_usd" else f"{value:,} tokens"
