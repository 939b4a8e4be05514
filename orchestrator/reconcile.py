"""The quota counters checked against what they summarise, and repaired where they differ.

For the current UTC day and month, a user's counter must hold:
- used: the tokens and dollars of the user's usage rows in the period (since an admin's reset,
  if any), the offline provider's excepted (free answers spend no quota);
- reserved: what the user's quota holds for the period hold (billing/holds.py).

A repair moves each counter by the difference it was read with, so calls settling meanwhile
(which change a counter and the log together) are kept. A call in flight across midnight is
counted on the day it began and logged on the day it ended: the repair then moves its tokens
to the day of its row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DateTimeField, DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.models import QuotaCounter, QuotaHold
from billing.quotas import DAY, MONTH, next_reset, period_starts

from .models import ProviderType, UsageLog


@dataclass(frozen=True)
class CounterDrift:
    user_id: int
    period: str
    period_start: str
    tokens_used: int  # the counter's minus what the log says (positive: counted, not logged)
    cost_used_usd: str
    tokens_reserved: int  # the counter's minus what the holds hold (positive: leaked)
    cost_reserved_usd: str


_MONEY = DecimalField(max_digits=14, decimal_places=8)


def _sum(queryset, column: str, output=None):
    total = queryset.values("user_id").annotate(total=Sum(column)).values("total")
    zero = Value(Decimal(0), output_field=_MONEY) if output is _MONEY else Value(0)
    return Coalesce(Subquery(total, output_field=output), zero)


def usage_reconcile(
    *,
    now: dt.datetime | None = None,
    repair: bool = True,
    user_ids: set[int] | None = None,
) -> list[CounterDrift]:
    """The counters of the current day and month that disagree with the log or the holds
    (of `user_ids` only, when given); with `repair`, set right."""
    now = now or timezone.now()
    day, month = period_starts(now)
    drift: list[CounterDrift] = []
    for period, start in ((DAY, day), (MONTH, month)):
        began = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
        since = Coalesce(OuterRef("reset_at"), Value(began, output_field=DateTimeField()))
        rows = UsageLog.objects.filter(
            user_id=OuterRef("user_id"),
            created_at__gte=since,
            created_at__lt=next_reset(began, period),
        ).exclude(provider_type=ProviderType.OFFLINE)
        holds = QuotaHold.objects.filter(user_id=OuterRef("user_id"))
        holds = holds.filter(day=start) if period == DAY else holds.filter(month=start)
        counters = QuotaCounter.objects.filter(period=period, period_start=start)
        if user_ids is not None:
            counters = counters.filter(user_id__in=user_ids)
        counters = counters.annotate(
            log_tokens=_sum(rows, "total_tokens"),
            log_cost=_sum(rows, "cost_usd", _MONEY),
            held_tokens=_sum(holds, "tokens"),
            held_cost=_sum(holds, "cost_usd", _MONEY),
        )
        for counter in counters:
            found = _drift(counter)
            if found is None:
                continue
            drift.append(found)
            if repair:
                QuotaCounter.objects.filter(pk=counter.pk).update(
                    tokens_used=F("tokens_used") - found.tokens_used,
                    cost_used_usd=F("cost_used_usd") - Decimal(found.cost_used_usd),
                    tokens_reserved=F("tokens_reserved") - found.tokens_reserved,
                    cost_reserved_usd=F("cost_reserved_usd") - Decimal(found.cost_reserved_usd),
                )
    return drift


def users_to_reconcile(*, since: dt.datetime, now: dt.datetime) -> set[int]:
    """Whose counters may have drifted since `since`: a counter and the log only part when a
    user calls (or a call of theirs is closed), or when a counter holds what no hold does."""
    day, _ = period_starts(now)
    logged = UsageLog.objects.filter(created_at__gte=since, user_id__isnull=False)
    holding = QuotaCounter.objects.filter(period=DAY, period_start=day, tokens_reserved__gt=0)
    return set(logged.values_list("user_id", flat=True).distinct()) | set(
        holding.values_list("user_id", flat=True)
    )


def _drift(counter: QuotaCounter) -> CounterDrift | None:
    used = counter.tokens_used - counter.log_tokens
    cost = counter.cost_used_usd - counter.log_cost
    reserved = counter.tokens_reserved - counter.held_tokens
    cost_reserved = counter.cost_reserved_usd - counter.held_cost
    if not (used or cost or reserved or cost_reserved):
        return None
    return CounterDrift(
        user_id=counter.user_id,
        period=counter.period,
        period_start=counter.period_start.isoformat(),
        tokens_used=used,
        cost_used_usd=f"{cost:f}",
        tokens_reserved=reserved,
        cost_reserved_usd=f"{cost_reserved:f}",
    )
