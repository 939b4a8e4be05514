"""UsageLog rows with a chosen created_at, for the report, alert, admin and command tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from orchestrator.models import ProviderConfig, UsageLog


def log_usage(
    *,
    at: datetime,
    user=None,
    plan: str = "FREEMIUM",
    task: str = "extraction",
    provider_type: str = "openai",
    config=None,
    model: str = "gpt-4o-mini",
    status: str = "success",
    input_tokens: int = 0,
    output_tokens: int = 0,
    cost: str = "0",
    saved: str = "0",
    latency_ms: int = 0,
    cache_hit: bool = False,
    error_code: str = "",
    error_message: str = "",
    tier: str = "",
) -> UsageLog:
    row = UsageLog.objects.create(
        user=user,
        provider_config=config,
        provider_type=provider_type,
        model=model,
        task_type=task,
        tier=tier,
        plan=plan,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
        cost_usd=Decimal(cost),
        saved_cost_usd=Decimal(saved),
        latency_ms=latency_ms,
        status=status,
        error_code=error_code,
        error_message=error_message,
        cache_hit=cache_hit,
        request_id=str(uuid.uuid4()),
    )
    # created_at is auto_now_add: set the moment afterwards.
    UsageLog.objects.filter(pk=row.pk).update(created_at=at)
    row.created_at = at
    return row


def two_providers() -> tuple[ProviderConfig, ProviderConfig]:
    """The DB configs the report fixtures log against: "openai main" and "claude"."""
    openai = ProviderConfig.objects.create(
        name="openai main", provider_type="openai", fast_model="gpt-4o-mini", quality_model="gpt-4o"
    )
    claude = ProviderConfig.objects.create(
        name="claude",
        provider_type="anthropic",
        fast_model="claude-haiku-4-5",
        quality_model="claude-sonnet-4-5",
    )
    return openai, claude
