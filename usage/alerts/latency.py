"""p95 latency per provider, judged against the threshold of each call's task and tier: a
quality CV draft is allowed longer than an extraction. Calls of a (task, tier) with a threshold
of its own are judged apart, per provider; all others together, per provider, against the
general threshold."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Count

from orchestrator.models import UsageLog
from usage.models import LatencyThreshold
from usage.reports.periods import provider_label, provider_names
from usage.rollups import percentile, provider_attempts


def latency_over_thresholds(
    *, since: datetime, until: datetime, general_ms: int, min_calls: int
) -> list[dict[str, Any]]:
    """Groups (a provider, or a provider's calls of one task and tier) whose p95 latency over
    [since, until) is above their threshold, with at least `min_calls` calls. The window of an
    alert check is minutes long, so the calls are read from the usage log itself."""
    own = {(t.task, t.tier): t.p95_latency_ms for t in LatencyThreshold.objects.all()}
    rows = provider_attempts(UsageLog.objects.filter(created_at__gte=since, created_at__lt=until))
    latencies: dict[tuple, Counter] = defaultdict(Counter)
    for provider_type, config_id, task, tier, latency, calls in (
        rows.values_list("provider_type", "provider_config_id", "task_type", "tier", "latency_ms")
        .annotate(calls=Count("id"))
        .order_by()
    ):
        pair = (task, tier) if (task, tier) in own else None
        latencies[(provider_type, config_id, pair)][latency] += calls
    names = provider_names(config_id for _, config_id, _ in latencies)
    found = []
    for (provider_type, config_id, pair), counts in latencies.items():
        calls = sum(counts.values())
        p95 = round(percentile(sorted(counts.items()), 0.95), 1)
        threshold = own[pair] if pair else general_ms
        if calls >= min_calls and p95 > threshold:
            found.append(
                {
                    "provider": provider_label(provider_type, config_id, names),
                    "task": pair[0] if pair else None,
                    "tier": pair[1] if pair else None,
                    "calls": calls,
                    "p95": p95,
                    "threshold": threshold,
                }
            )
    return sorted(found, key=lambda r: (r["provider"], r["task"] or "", r["tier"] or ""))
