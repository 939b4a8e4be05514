"""What the provider console does besides plain edits: who may use it, the default provider,
activation, the routing matrix. The admin classes call these; so could a command or an API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import QuerySet

from billing.models import Plan

from . import snapshot
from .models import ProviderConfig, RoutingRule, Tier
from .registry import matrix_tasks

KEY_UNREADABLE = "key unreadable"

PROVIDER_ADMINS = "Provider admins"


def matrix_task_names() -> list[str]:
    """The tasks of the admin's plan × task routing matrix, as the apps registered them."""
    return [spec.name for spec in matrix_tasks()]


def is_provider_admin(user) -> bool:
    """Superusers and staff in the "Provider admins" group: they see keys' fingerprints, every
    user's usage and the alerts; other staff do not."""
    if not (user and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    # The admin asks this several times per page; one query per request object is enough.
    if not hasattr(user, "_is_provider_admin"):
        user._is_provider_admin = user.groups.filter(name=PROVIDER_ADMINS).exists()
    return user._is_provider_admin


@transaction.atomic
def provider_config_make_default(*, config: ProviderConfig) -> ProviderConfig:
    """One default at a time (a unique constraint): the old one is cleared in the same
    transaction. A default that is not active would never be called, so it is activated."""
    ProviderConfig.objects.filter(is_default=True).exclude(pk=config.pk).update(is_default=False)
    ProviderConfig.objects.filter(pk=config.pk).update(is_default=True, is_active=True)
    # QuerySet.update sends no signals: tell every process its cached chain is stale, now and
    # again after commit (a process may rebuild from the old rows in between).
    snapshot.bump()
    transaction.on_commit(snapshot.bump)
    config.refresh_from_db()
    return config


def provider_config_set_active(*, configs: QuerySet, active: bool) -> int:
    # Activated or deactivated by hand: no longer waiting for a test to activate it.
    configs.filter(activate_when_tested=True).update(activate_when_tested=False)
    count = configs.exclude(is_active=active).update(is_active=active)
    if count:
        snapshot.bump()
    return count


def routing_matrix() -> list[tuple[Plan, dict[str, str]]]:
    """Each plan with its tier per task; a missing rule reads as the policy's default, fast."""
    rules = {(r.plan_id, r.task): r.tier for r in RoutingRule.objects.all()}
    return [
        (plan, {task: rules.get((plan.pk, task), Tier.FAST) for task in matrix_task_names()})
        for plan in Plan.objects.order_by("id")
    ]


@transaction.atomic
def routing_matrix_save(*, tiers: Mapping[tuple[int, str], str]) -> list[RoutingRule]:
    """Store (plan id, task) → tier; returns the rules that changed or were created."""
    existing = {(r.plan_id, r.task): r for r in RoutingRule.objects.select_for_update()}
    changed = []
    tasks = matrix_task_names()
    for (plan_id, task), tier in tiers.items():
        if tier not in Tier.values or task not in tasks:
            raise ValueError(f"Not a routing cell: {plan_id}/{task} → {tier}")
        rule = existing.get((plan_id, task))
        if rule is None:
            changed.append(RoutingRule.objects.create(plan_id=plan_id, task=task, tier=tier))
        elif rule.tier != tier:
            rule.tier = tier
            rule.save(update_fields=["tier"])
            changed.append(rule)
    return changed


def configs_by_name(*, names: Iterable[str]) -> tuple[list[ProviderConfig], list[str]]:
    """The configs with these names, and the names that match none."""
    names = list(dict.fromkeys(names))
    found = {c.name: c for c in ProviderConfig.objects.filter(name__in=names)}
    return [found[n] for n in names if n in found], [n for n in names if n not in found]
