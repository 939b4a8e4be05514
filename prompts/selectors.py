"""Which prompt version a call uses, read from what this process holds: no query on a warm
path. What it holds is rebuilt when the gateway's configuration snapshot changes
(orchestrator/snapshot.py; saving any prompts row bumps it, apps.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from orchestrator import snapshot
from orchestrator.registry import AITaskSpec, PromptChoice

from .models import Experiment, PromptLive, PromptVersion


def choice_of(version: PromptVersion, tier: str = "") -> PromptChoice:
    return PromptChoice(
        version=version.label,
        system_prompt=version.system_prompt,
        user_template=version.user_template,
        tier=tier,
    )


@dataclass(frozen=True)
class _Split:
    experiment_id: int
    arms: list[tuple[float, PromptChoice]]  # (upper bound of the arm's bucket, its prompt)


@dataclass(frozen=True)
class _Held:
    config: snapshot.Snapshot  # the gateway's snapshot it was read with
    live: dict[str, PromptChoice] = field(default_factory=dict)
    splits: dict[str, _Split] = field(default_factory=dict)


_held: _Held | None = None
# An evaluation's pinned version per task, for the calls it makes (evaluations.py).
_pinned: ContextVar[dict[str, PromptChoice] | None] = ContextVar("prompt_pinned", default=None)


def _current() -> _Held:
    global _held
    config = snapshot.current()  # a new one after any change (or snapshot.forget())
    held = _held
    if held is None or held.config is not config:
        held = _held = _build(config)
    return held


def _build(config: snapshot.Snapshot) -> _Held:
    live = {
        row.task: choice_of(row.version) for row in PromptLive.objects.select_related("version")
    }
    splits = {}
    for experiment in Experiment.objects.filter(status=Experiment.Status.RUNNING).prefetch_related(
        "arms__version"
    ):
        bound, arms = 0.0, []
        for arm in experiment.arms.all():
            bound += arm.percent
            arms.append((bound, choice_of(arm.version, arm.tier)))
        splits[experiment.task] = _Split(experiment.pk, arms)
    return _Held(config, live, splits)


def bucket(experiment_id: int, user_id: int) -> float:
    """Where a user falls in an experiment, in [0, 100): the same every time (sticky), and
    independent between experiments."""
    digest = hashlib.sha256(f"{experiment_id}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 / 100


def arm_index(arms: list[tuple[float, Any]], point: float) -> int:
    return next((i for i, (bound, _) in enumerate(arms) if point < bound), len(arms) - 1)


def prompt_resolve(spec: AITaskSpec, user: Any) -> PromptChoice | None:
    """The gateway's resolver (orchestrator.registry.prompt_resolver_register): an
    evaluation's pinned version, else the user's arm of a running experiment, else the live
    version; None (the code's prompt) when the task has none."""
    if (pinned := _pinned.get()) is not None and spec.name in pinned:
        return pinned[spec.name]
    held = _current()
    split = held.splits.get(spec.name)
    user_id = getattr(user, "pk", None)
    if split is not None and user_id is not None:
        return split.arms[arm_index(split.arms, bucket(split.experiment_id, user_id))][1]
    return held.live.get(spec.name)


@contextmanager
def pinned(version: PromptVersion) -> Iterator[None]:
    """The calls made inside use this version of its task, whatever is live."""
    token = _pinned.set({**(_pinned.get() or {}), version.task: choice_of(version)})
    try:
        yield
    finally:
        _pinned.reset(token)


def live_version(task: str) -> PromptVersion | None:
    row = PromptLive.objects.select_related("version").filter(task=task).first()
    return row.version if row else None
