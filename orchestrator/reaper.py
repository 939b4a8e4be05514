"""The reaper: what a dead process left behind is closed, so nothing stays held or running
for ever. Run every REAPER_SECONDS by Celery beat or the embedded schedule, and by
`manage.py reconcile_usage`.

- A quota hold past its expiry (billing/holds.py) belongs to a call whose process died. It
  becomes a usage row with error code ABANDONED, holding the tokens the call sent (estimated
  from the request, as reserved) at the route's price, and its reservation is settled: the
  counters count those tokens and those of any attempt the call had already logged.
- An AI task still running past AI_TASK_DEADLINE, or pending past AI_TASK_PENDING_MAX, is
  failed with ABANDONED: a client polling it always reaches an end state.
- The counters are reconciled with the usage log (orchestrator/reconcile.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from billing.holds import holds_expired
from billing.models import QuotaHold
from billing.quotas import Reservation, quota_settle
from core import errors

from . import pricing
from .models import AITask, ProviderConfig, ProviderType, UsageLog
from .reconcile import CounterDrift, usage_reconcile, users_to_reconcile

logger = logging.getLogger(__name__)

HOLD_ABANDONED = (
    "The process serving this call ({owner}) stopped before the call ended; closed by the "
    "reaper, with the tokens sent estimated from the request."
)
TASK_ABANDONED = "The worker running this task stopped before it finished; please try again."
TASK_NEVER_STARTED = "No worker started this task in time; please try again."


@dataclass
class ReapReport:
    holds_open: int = 0  # holds of calls in flight, not expired
    holds_released: int = 0  # expired holds closed as abandoned calls
    tasks_failed: int = 0  # tasks running or pending too long, failed as abandoned
    counters_out_of_step: int = 0
    drift: list[CounterDrift] = field(default_factory=list)
    repaired: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def reap(
    *, now: dt.datetime | None = None, repair: bool = True, recent_only: bool = False
) -> ReapReport:
    """Close expired holds and stuck tasks, then reconcile the counters with the log; with
    `repair` off, only count what would be done. `recent_only` (the periodic run) reconciles
    only the users who called since the last runs, or whose counters hold anything: summing
    every user's month of rows each minute would cost more than the rest of the reaper."""
    now = now or timezone.now()
    report = ReapReport(repaired=repair)
    expired_holds = holds_expired(now=now)
    users = None
    if recent_only:
        since = now - dt.timedelta(seconds=3 * settings.REAPER_SECONDS)
        users = users_to_reconcile(since=since, now=now)
        users |= set(expired_holds.values_list("user_id", flat=True))
    expired = list(expired_holds.values_list("pk", flat=True))
    report.holds_open = QuotaHold.objects.count() - len(expired)
    if repair:
        report.holds_released = sum(hold_abandon(request_id=pk, now=now) for pk in expired)
        report.tasks_failed = tasks_abandon(now=now)
    else:
        report.holds_released = len(expired)
        report.tasks_failed = _stuck_tasks(now).count()
    report.drift = usage_reconcile(now=now, repair=repair, user_ids=users)
    report.counters_out_of_step = len(report.drift)
    if report.holds_released or report.tasks_failed or report.drift:
        logger.warning("Reaper: %s", report.as_dict())
    return report


def reap_recent() -> ReapReport:
    """The periodic run (Celery beat, the embedded schedule)."""
    return reap(recent_only=True)


def hold_abandon(*, request_id: str, now: dt.datetime | None = None) -> bool:
    """Close one hold as an abandoned call (the admin's "release" does it before its expiry
    with `now` = None). False when the call settled meanwhile."""
    with transaction.atomic():
        # The hold's lock first, as a settlement takes it; a call settling right now keeps it.
        holds = QuotaHold.objects.select_for_update(skip_locked=True).filter(pk=request_id)
        if now is not None:
            holds = holds.filter(expires_at__lt=now)
        hold = holds.first()
        if hold is None:
            return False
        logged = UsageLog.objects.filter(request_id=hold.request_id)
        counted = logged.exclude(provider_type=ProviderType.OFFLINE).aggregate(
            tokens=Sum("total_tokens", default=0), cost=Sum("cost_usd", default=Decimal(0))
        )
        cost, price_source = pricing.call_cost(
            provider_type=hold.provider_type,
            model=hold.model,
            input_tokens=hold.input_tokens,
            output_tokens=0,
            cached_input_tokens=0,
        )
        reservation = Reservation(
            user_id=hold.user_id,
            day=hold.day,
            month=hold.month,
            tokens=hold.tokens,
            cost=hold.cost_usd,
            request_id=hold.request_id,
        )
        quota_settle(
            reservation, tokens=counted["tokens"] + hold.input_tokens, cost=counted["cost"] + cost
        )
        config_id = hold.provider_config_id
        if config_id is not None and not ProviderConfig.objects.filter(pk=config_id).exists():
            config_id = None  # deleted since the call began
        row = UsageLog.objects.create(
            user_id=hold.user_id,
            provider_config_id=config_id,
            provider_type=hold.provider_type,
            model=hold.model,
            task_type=hold.task_type,
            plan=hold.plan,
            tier=hold.tier,
            prompt_version=hold.prompt_version,
            input_tokens=hold.input_tokens,
            total_tokens=hold.input_tokens,
            cost_usd=cost,
            price_source=price_source,
            status=UsageLog.Status.ERROR,
            error_code=errors.Abandoned.code,
            error_message=HOLD_ABANDONED.format(owner=hold.owner or "unknown"),
            request_id=hold.request_id,
            attempt=logged.count() + 1,
        )
        # Dated when the call began: the day whose counters it is charged to.
        UsageLog.objects.filter(pk=row.pk).update(created_at=hold.created_at)
    logger.warning("Closed the abandoned call %s of user %s", hold.request_id, hold.user_id)
    return True


def _stuck_tasks(now: dt.datetime):
    running_since = now - dt.timedelta(seconds=settings.AI_TASK_DEADLINE)
    pending_since = now - dt.timedelta(seconds=settings.AI_TASK_PENDING_MAX)
    return AITask.objects.filter(
        Q(status=AITask.Status.RUNNING, started_at__lt=running_since)
        | Q(status=AITask.Status.PENDING, created_at__lt=pending_since)
    )


def tasks_abandon(*, now: dt.datetime | None = None) -> int:
    """Fail the tasks whose worker died (running too long) or that no worker took."""
    now = now or timezone.now()
    stuck = _stuck_tasks(now)
    failed = stuck.filter(status=AITask.Status.RUNNING).update(
        status=AITask.Status.FAILED,
        error_code=errors.Abandoned.code,
        error_message=TASK_ABANDONED,
        finished_at=now,
    )
    failed += stuck.filter(status=AITask.Status.PENDING).update(
        status=AITask.Status.FAILED,
        error_code=errors.Abandoned.code,
        error_message=TASK_NEVER_STARTED,
        finished_at=now,
    )
    return failed
