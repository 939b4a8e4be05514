"""Writing prompt versions, making one live through the evaluation gate, and experiments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.errors import InvalidInput
from core.prompting import template_names, template_problems
from orchestrator.registry import task_get

from .models import Evaluation, Experiment, ExperimentArm, PromptGate, PromptLive, PromptVersion


def version_problems(*, task: str, system_prompt: str, user_template: str) -> list[str]:
    """Why these texts cannot be a version of the task (empty when they can)."""
    spec = task_get(task)
    if spec is None or spec.prompt is None:
        return [f"The task {task!r} has no prompt template: its prompt is written by code."]
    problems = [f"User template: {p}." for p in template_problems(user_template, spec.prompt)]
    try:
        if names := template_names(system_prompt):
            problems.append(
                "System prompt: it takes no variables (every call sends the same one): "
                + ", ".join(f"${name}" for name in sorted(names))
                + "."
            )
    except ValueError:
        pass  # the system prompt is sent as it is: a lone $ is just a dollar sign there
    return problems


def version_next_number(task: str) -> int:
    return (PromptVersion.objects.filter(task=task).aggregate(n=Max("number"))["n"] or 0) + 1


def version_save(
    *, version: PromptVersion, author: Any = None
) -> tuple[PromptVersion, PromptVersion | None]:
    """Save an edited or new version; a version already used is never changed, the edit
    becomes the next version. Returns the saved version and the used one it left alone."""
    with transaction.atomic():
        kept = None
        if version.pk is not None:
            stored = PromptVersion.objects.select_for_update().get(pk=version.pk)
            if stored.used_at is not None:
                kept, version.pk, version.used_at = stored, None, None
                version._state.adding = True
        if version.pk is None:
            # Two admins saving at once take numbers one after the other.
            list(PromptVersion.objects.select_for_update().filter(task=version.task).values("pk"))
            version.number = version_next_number(version.task)
            version.author = author
        version.save()
    return version, kept


def version_mark_used(version: PromptVersion) -> None:
    if version.used_at is None:
        PromptVersion.objects.filter(pk=version.pk, used_at=None).update(used_at=timezone.now())
        version.used_at = timezone.now()


def latest_evaluation(version: PromptVersion) -> Evaluation | None:
    return version.evaluations.order_by("-created_at", "-pk").first()


def gate_tolerance() -> Decimal:
    gate = PromptGate.objects.filter(pk=1).first()
    return gate.tolerance if gate else PromptGate._meta.get_field("tolerance").default


def gate_failures(version: PromptVersion) -> list[str]:
    """Why the version may not go live: no evaluation, or a grader on which its latest
    evaluation falls below the live version's (on the same provider) by more than the
    tolerance."""
    live = PromptLive.objects.select_related("version").filter(task=version.task).first()
    if live is None or live.version_id == version.pk:
        return []
    candidate = latest_evaluation(version)
    if candidate is None:
        return [f"{version.label} has no evaluation: run manage.py eval_prompts first."]
    # Compared on the same provider: the offline answers say nothing of a vendor's.
    baseline = live.version.evaluations.filter(provider=candidate.provider).first()
    if baseline is None:
        return [
            f"The live {live.version.label} has no evaluation on {candidate.provider}: run "
            f"manage.py eval_prompts {version.task} --version {version.number} --against "
            f"{live.version.number} --provider {candidate.provider}."
        ]
    tolerance = float(gate_tolerance())
    failures = []
    for grader, live_value in sorted(baseline.figures.items()):
        value = candidate.figures.get(grader)
        if value is None:
            failures.append(f"{grader}: not measured for {version.label}.")
        elif value < live_value - tolerance:
            failures.append(
                f"{grader}: {value:.3f} against the live {live.version.label}'s {live_value:.3f}"
                f" (tolerance {tolerance:.3f})."
            )
    return failures


def version_make_live(*, version: PromptVersion, user: Any, override_note: str = "") -> PromptLive:
    """Make the version its task's live one (ending the task's running experiment). The
    evaluation gate applies, unless a superuser overrides it with a note, which is kept."""
    failures = gate_failures(version)
    if failures:
        if not (override_note.strip() and getattr(user, "is_superuser", False)):
            raise InvalidInput(
                f"Version {version.label} cannot go live: "
                + " ".join(failures)
                + " A superuser may override the gate with a note."
            )
    else:
        override_note = ""
    with transaction.atomic():
        version_mark_used(version)
        experiment_stop_running(task=version.task)
        live, _ = PromptLive.objects.update_or_create(
            task=version.task,
            defaults={"version": version, "made_by": user, "override_note": override_note.strip()},
        )
    return live


def experiment_start(
    *, versions: list[PromptVersion], percents: list[int] | None = None, name: str = ""
) -> Experiment:
    """Split the task's traffic between the versions (evenly unless `percents` says)."""
    tasks = {v.task for v in versions}
    if len(versions) < 2 or len(tasks) != 1:
        raise InvalidInput("An experiment needs two or more versions of one task.")
    if percents is None:
        share, extra = divmod(100, len(versions))
        percents = [share + (1 if i < extra else 0) for i in range(len(versions))]
    if sum(percents) != 100 or any(p <= 0 for p in percents):
        raise InvalidInput("The arms' percentages must be positive and add up to 100.")
    (task,) = tasks
    with transaction.atomic():
        if Experiment.objects.filter(task=task, status=Experiment.Status.RUNNING).exists():
            raise InvalidInput(f"An experiment on {task} is running already: stop it first.")
        experiment = Experiment.objects.create(
            task=task, name=name or " vs ".join(v.label for v in versions)
        )
        for version, percent in zip(versions, percents, strict=True):
            version_mark_used(version)
            ExperimentArm.objects.create(experiment=experiment, version=version, percent=percent)
    return experiment


def experiment_stop_running(*, task: str) -> None:
    for experiment in Experiment.objects.filter(task=task, status=Experiment.Status.RUNNING):
        experiment_stop(experiment=experiment)


def experiment_stop(*, experiment: Experiment) -> None:
    """Back to the live version for everyone; the arms' figures stay readable."""
    experiment.status, experiment.stopped_at = Experiment.Status.STOPPED, timezone.now()
    experiment.save(update_fields=["status", "stopped_at"])
