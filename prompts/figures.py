"""What each arm of an experiment did over its life, and how sure the difference is.

The gateway's figures (calls, cost, latency) come from the usage log, by the prompt version each
row names. The product's (fact-check and rule pass rates, edit distance before sending,
interview rate) come from the apps above, which register a provider of them here, as
applications registers its usage-dashboard section: this app knows no product.

Each arm after the first is compared with the first: the difference and its 95% confidence
interval (a normal approximation for a rate, Welch's for a mean).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, StdDev, Sum
from django.utils import timezone

from orchestrator.models import UsageLog

from .models import Experiment

Z95 = 1.96


@dataclass(frozen=True)
class Rate:
    """`hits` of `n` (a pass rate, an interview rate)."""

    hits: int
    n: int

    @property
    def value(self) -> float | None:
        return self.hits / self.n if self.n else None

    def __str__(self) -> str:
        return f"{self.value:.1%} of {self.n}" if self.n else "-"


@dataclass(frozen=True)
class Mean:
    mean: float | None
    sd: float | None
    n: int

    @property
    def value(self) -> float | None:
        return self.mean

    def __str__(self) -> str:
        return f"{self.mean:,.1f} (n={self.n})" if self.n and self.mean is not None else "-"


Figure = Rate | Mean
# provider(task=, version=, since=, until=) -> {figure name: Rate or Mean}
FigureProvider = Callable[..., dict[str, Figure]]
_providers: list[FigureProvider] = []


def arm_figures_register(provider: FigureProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def difference(first: Figure, other: Figure) -> str:
    """`other - first` with its 95% confidence interval, or "-" without enough data."""
    if isinstance(first, Rate) and isinstance(other, Rate):
        if not first.n or not other.n:
            return "-"
        p1, p2 = first.hits / first.n, other.hits / other.n
        se = math.sqrt(p1 * (1 - p1) / first.n + p2 * (1 - p2) / other.n)
        return f"{p2 - p1:+.1%} ± {Z95 * se:.1%}"
    if isinstance(first, Mean) and isinstance(other, Mean):
        if first.n < 2 or other.n < 2 or first.mean is None or other.mean is None:
            return "-"
        se = math.sqrt((first.sd or 0) ** 2 / first.n + (other.sd or 0) ** 2 / other.n)
        return f"{other.mean - first.mean:+,.1f} ± {Z95 * se:,.1f}"
    return "-"


def usage_figures(*, task: str, version: str, since: datetime, until: datetime) -> dict:
    rows = UsageLog.objects.filter(
        task_type=task, prompt_version=version, created_at__gte=since, created_at__lt=until
    )
    totals = rows.aggregate(calls=Count("request_id", distinct=True), cost=Sum("cost_usd"))
    served = rows.filter(status=UsageLog.Status.SUCCESS).aggregate(
        n=Count("id"), mean=Avg("latency_ms"), sd=StdDev("latency_ms", sample=True)
    )
    return {
        "calls": totals["calls"],
        "cost": f"${totals['cost'] or 0:,.4f}",
        "latency ms": Mean(served["mean"], served["sd"], served["n"]),
    }


def arm_figures(experiment: Experiment) -> dict[str, Any]:
    """A table: one row per arm, each figure followed (from the second arm on) by its
    difference from the first arm."""
    since, until = experiment.started_at, experiment.stopped_at or timezone.now()
    arms = list(experiment.arms.select_related("version"))
    per_arm = []
    for arm in arms:
        label = arm.version.label
        figures = usage_figures(task=experiment.task, version=label, since=since, until=until)
        for provider in _providers:
            figures |= provider(task=experiment.task, version=label, since=since, until=until)
        per_arm.append(figures)
    names = list(dict.fromkeys(name for figures in per_arm for name in figures))
    compared = [n for n in names if any(isinstance(f.get(n), Rate | Mean) for f in per_arm)]
    columns = ["arm", *names, *(f"{n}: difference (95% CI)" for n in compared)]
    rows = []
    for arm, figures in zip(arms, per_arm, strict=True):
        first = per_arm[0]
        row = [str(arm), *(str(figures.get(n, "-")) for n in names)]
        row += [
            difference(first[n], figures[n]) if figures is not first and n in figures else "-"
            for n in compared
        ]
        rows.append(row)
    return {"columns": columns, "rows": rows}
