"""Realistic UsageLog rows at a million-row scale, loaded with PostgreSQL COPY (psycopg 3).

Spread: 90 days with recent days busier (3× the oldest), 10k users with a heavy-tailed
activity (a few power users, a long tail), every plan, task, provider and model, 2% errors
(provider errors, timeouts, bad AI output, quota refusals, no provider), 20% cache hits (no
cost, the saved cost recorded), log-normal latencies per provider, costs from the ModelPrice
table. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from typing import Any

from django.db import connection

PLAN_SHARE = {"FREEMIUM": 55, "PAYGO": 20, "PRO_MONTHLY": 18, "PRO_ANNUAL": 7}
TASK_SHARE = {
    "extraction": 55,
    "cv_draft": 24,
    "cover_letter": 18,
    "image_check": 2.8,
    "provider_test": 0.2,
}
PROVIDER_SHARE = {"gemini": 50, "openai": 30, "anthropic": 15, "offline": 5}
MODELS = {
    "gemini": ("gemini-2.5-flash", "gemini-2.5-pro"),
    "openai": ("gpt-4o-mini", "gpt-4o"),
    "anthropic": ("claude-haiku-4-5", "claude-sonnet-4-6"),
    "offline": ("offline", "offline"),
}
LATENCY_MEDIAN_MS = {"gemini": 1800, "openai": 2300, "anthropic": 2700, "offline": 25}
TOKENS = {  # task -> (input median, output median)
    "extraction": (1400, 450),
    "cv_draft": (3200, 1500),
    "cover_letter": (2600, 700),
    "image_check": (1300, 60),
    "provider_test": (12, 3),
}
ERRORS = {  # code -> (share of errors, reaches a provider, message)
    "PROVIDER_ERROR": (45, True, "unavailable (HTTP 503): The model is overloaded."),
    "PROVIDER_TIMEOUT": (20, True, "timeout: The provider did not answer in time."),
    "BAD_AI_OUTPUT": (10, True, "not valid JSON (Expecting value at line 1)"),
    "QUOTA_EXCEEDED": (20, False, "Your Freemium plan's daily token limit is reached."),
    "NO_PROVIDER": (5, False, "No AI provider is configured."),
}
ERROR_RATE, CACHE_HIT_RATE = 0.02, 0.20
DAYS = 90
COLUMNS = (
    "user_id",
    "provider_config_id",
    "provider_type",
    "model",
    "task_type",
    "plan",
    "tier",
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "total_tokens",
    "cost_usd",
    "price_source",
    "saved_cost_usd",
    "latency_ms",
    "status",
    "error_code",
    "error_message",
    "cache_hit",
    "request_id",
    "attempt",
    "created_at",
    "prompt_version",
)


def load_users(count: int, *, prefix: str = "load") -> list[tuple[int, str]]:
    """``count`` users by COPY into auth_user; returns (id, plan code) in activity order."""
    rng = random.Random(7)
    joined = dt.datetime.now(dt.UTC) - dt.timedelta(days=120)
    buffer = io.StringIO()
    for i in range(count):
        # "!" = an unusable password, as set_unusable_password() stores it.
        buffer.write(
            f"!\tf\t{prefix}{i:05d}\t\t\t{prefix}{i:05d}@bench.invalid\tf\tt\t"
            f"{joined.isoformat()}\n"
        )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY auth_user (password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined) FROM STDIN"
        ) as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            "SELECT id FROM auth_user WHERE username LIKE %s ORDER BY id", [f"{prefix}%"]
        )
        ids = [row[0] for row in cursor.fetchall()]
    plans = rng.choices(list(PLAN_SHARE), weights=list(PLAN_SHARE.values()), k=len(ids))
    return list(zip(ids, plans, strict=True))


def _prices() -> dict[tuple[str, str], tuple[float, float, float]]:
    from orchestrator.models import ModelPrice

    return {
        (p.provider_type, p.model): (
            float(p.input_per_million),
            float(p.output_per_million),
            float(p.cached_input_per_million),
        )
        for p in ModelPrice.objects.all()
    }


def _policy() -> dict[tuple[str, str], str]:
    from orchestrator.models import RoutingRule

    rules = {(r.plan.code, r.task): r.tier for r in RoutingRule.objects.select_related("plan")}
    return rules


def load_usage(
    count: int,
    *,
    users: list[tuple[int, str]],
    config_ids: dict[str, int],
    seed: int,
    chunk: int = 50_000,
) -> None:
    """``count`` UsageLog rows by COPY, in chunks."""
    rng = random.Random(seed)
    prices, policy = _prices(), _policy()
    now = dt.datetime.now(dt.UTC)
    # Recent days busier: today weighs 3, 89 days ago 1.
    day_weights = [3 - 2 * d / (DAYS - 1) for d in range(DAYS)]
    activity = [1 / (rank + 1) ** 0.9 for rank in range(len(users))]
    error_codes = list(ERRORS)
    error_weights = [ERRORS[c][0] for c in error_codes]
    done = 0
    with connection.cursor() as cursor:
        while done < count:
            n = min(chunk, count - done)
            buffer = io.StringIO()
            days = rng.choices(range(DAYS), weights=day_weights, k=n)
            who = rng.choices(users, weights=activity, k=n)
            tasks = rng.choices(list(TASK_SHARE), weights=list(TASK_SHARE.values()), k=n)
            providers = rng.choices(
                list(PROVIDER_SHARE), weights=list(PROVIDER_SHARE.values()), k=n
            )
            for i in range(n):
                buffer.write(
                    _row(
                        rng,
                        now,
                        days[i],
                        who[i],
                        tasks[i],
                        providers[i],
                        prices,
                        policy,
                        config_ids,
                        error_codes,
                        error_weights,
                    )
                )
            with cursor.cursor.copy(
                f"COPY orchestrator_usagelog ({', '.join(COLUMNS)}) FROM STDIN"
            ) as copy:
                copy.write(buffer.getvalue())
            done += n


def _row(
    rng: random.Random,
    now: dt.datetime,
    day: int,
    who: tuple[int, str],
    task: str,
    provider: str,
    prices: dict,
    policy: dict,
    config_ids: dict[str, int],
    error_codes: list[str],
    error_weights: list[int],
) -> str:
    user_id, plan = who
    created = now - dt.timedelta(seconds=(day + rng.random()) * 86400)
    tier = policy.get(
        (plan, "extraction" if task in ("image_check", "provider_test") else task), "fast"
    )
    user: Any = user_id
    if task == "provider_test":
        user, plan, tier = None, "", "fast"
    model = MODELS[provider][tier == "quality"]
    config: Any = config_ids.get(provider)
    in_median, out_median = TOKENS[task]
    input_tokens = int(rng.lognormvariate(0, 0.35) * in_median)
    output_tokens = int(rng.lognormvariate(0, 0.45) * out_median)
    cached = input_tokens // 2 if provider != "offline" and rng.random() < 0.1 else 0
    price_in, price_out, price_cached = prices.get((provider, model), (0.0, 0.0, 0.0))
    cost = (
        (input_tokens - cached) * price_in + cached * price_cached + output_tokens * price_out
    ) / 1e6
    latency = int(rng.lognormvariate(0, 0.5) * LATENCY_MEDIAN_MS[provider])
    saved, status, code, message, hit, attempt = 0.0, "success", "", "", "f", 1
    roll = rng.random()
    if roll < ERROR_RATE:
        status = "error"
        code = rng.choices(error_codes, weights=error_weights)[0]
        _, reached, message = ERRORS[code]
        if not reached:  # refused before any provider: no provider, no tokens, no time
            provider, model, config, latency = "", "", None, int(rng.uniform(2, 15))
            input_tokens = output_tokens = cached = 0
            cost = 0.0
        elif code != "BAD_AI_OUTPUT":  # no answer, no tokens billed
            input_tokens = output_tokens = cached = 0
            cost = 0.0
            if code == "PROVIDER_TIMEOUT":
                latency = 45_000 + int(rng.uniform(0, 500))
        attempt = 1 + (rng.random() < 0.3)
    elif roll < ERROR_RATE + CACHE_HIT_RATE:  # served from the result cache: free
        saved, cost, hit = cost, 0.0, "t"
        input_tokens = output_tokens = cached = 0
        latency = max(1, int(rng.lognormvariate(0, 0.4) * 3))
    request_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    # Who priced it (a NOT NULL column without a database default): as generate() records it.
    priced = "free" if provider == "offline" else "admin"
    priced = priced if input_tokens + output_tokens else ""
    return (
        f"{_n(user)}\t{_n(config)}\t{provider}\t{model}\t{task}\t{plan}\t{tier}\t"
        f"{input_tokens}\t{output_tokens}\t{cached}\t{input_tokens + output_tokens}\t"
        f"{cost:.8f}\t{priced}\t{saved:.8f}\t{latency}\t{status}\t{code}\t{message}\t{hit}\t"
        f"{request_id}\t{attempt}\t{created.isoformat()}\t{task}@1\n"
    )


def _n(value: Any) -> str:
    return r"\N" if value is None else str(value)


def rollup_tables() -> list[str]:
    """The tables usage/rollups/ rebuilds from the log."""
    from usage import models

    rollups = (
        models.UsageDaily,
        models.UsageDailyUser,
        models.UsageMonthlyUser,
        models.UsageLatencyDaily,
        models.UsageLatencyMonthly,
        models.UsageHourly,
        models.UsageLatencyHourly,
        models.UsageLatencyP95,
    )
    return [model._meta.db_table for model in rollups]


def vacuum_analyze() -> None:
    """What autovacuum would have done to tables that grew (the log) or were rewritten (the
    rollups, rebuilt day by day): fresh statistics and a visibility map (index-only scans)."""
    from django.db import connection as conn

    with conn.cursor() as cursor:
        for table in ("orchestrator_usagelog", *rollup_tables()):
            cursor.execute(f"VACUUM ANALYZE {table}")
