"""The AI tasks the gateway serves, and the runners of background tasks, as the apps register them.

The gateway knows no product: each product app describes its own tasks (prompt, schema, tier
rules, offline answer) and registers them in its AppConfig.ready(), so adding a task is one
registration in one app (docs/architecture.md). Registering happens once at start-up, before
any request, so the dicts are only read afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.prompting import PromptTemplate, template_render

FAST, QUALITY = "fast", "quality"


@dataclass(frozen=True)
class OutputCheck:
    """A product's own rules for a task's answer, beyond its schema (orchestrator.gateway
    runs them on every whole answer of the task).

    - `problems(data, context)`: the rules the answer's parsed data breaks, as sentences
      (empty when none); `context` is the call's AIRequest.check_context.
    - `retry_prompt`: appended to the prompt for the one more try an answer that breaks a
      rule gets, `{}` standing for the problems named. What the second answer still breaks
      is its result's `problems`, which the product shows as warnings.
    """

    problems: Callable[[Any, Any], list[str]]
    retry_prompt: str = "\n\nYour previous answer broke a rule: {}. Fix this."


@dataclass(frozen=True)
class AITaskSpec:
    """One kind of AI call.

    - `system_prompt`, `response_schema`, `temperature`: what every call of the task sends
      (a caller may still override them per call).
    - `tiers`: the default tier per plan code (missing plans get `fast`); admins edit the
      routing matrix afterwards. `tier_of` makes a task follow another task's tier instead
      (the relevance check of a screenshot is part of an extraction).
    - `shared_cache`: answers may be served to other users (the prompt holds nothing personal),
      so the same job posting is paid for once.
    - `offline`: the offline provider's answer, a function of the prompt returning JSON-able
      data; without one it answers the smallest instance of the schema.
    - `in_matrix`: shown in the admin's plan × task routing matrix.
    - `prompt`: the user prompt as a template over named variables (core.prompting): calls
      pass `variables=` and the gateway renders the task's live prompt version (the prompts
      app keeps them; this one and `system_prompt` are the fallback and version 1).
    - `personal`: the prompt carries the user's personal details (a profile's name, email,
      phone, links): every call must name them (`personal=`), and the gateway sends
      placeholders in their place and restores the answer (orchestrator.privacy). A call
      without them is refused before it leaves.
    - `check`: the product's own rules for an answer (OutputCheck); an answer that breaks one
      is asked for once more, with the rule named.
    """

    name: str
    label: str
    system_prompt: str | None = None
    response_schema: dict | None = None
    temperature: float | None = None
    tiers: Mapping[str, str] = field(default_factory=dict)
    tier_of: str | None = None
    shared_cache: bool = False
    offline: Callable[[str], Any] | None = None
    in_matrix: bool = True
    personal: bool = False
    prompt: PromptTemplate | None = None
    check: OutputCheck | None = None


# The gateway's own task: a cheap call that checks a provider's credentials.
PROVIDER_TEST = AITaskSpec(name="provider_test", label="Provider credentials test", in_matrix=False)

_tasks: dict[str, AITaskSpec] = {}
_result_schemas: dict[str, str] = {}
_runners: dict[str, Callable[..., Any]] = {}


def task_register(spec: AITaskSpec) -> None:
    existing = _tasks.get(spec.name) or (PROVIDER_TEST if spec.name == PROVIDER_TEST.name else None)
    if existing is not None and existing != spec:
        raise ValueError(f"The AI task {spec.name!r} is registered twice.")
    _tasks[spec.name] = spec


def task_get(name: str) -> AITaskSpec | None:
    return PROVIDER_TEST if name == PROVIDER_TEST.name else _tasks.get(name)


def task_list() -> list[AITaskSpec]:
    """Every task: those of the routing matrix first, then the checks that serve them, then
    the gateway's own; in registration order within each."""
    product = sorted(_tasks.values(), key=lambda spec: not spec.in_matrix)
    return [*product, PROVIDER_TEST]


def task_choices() -> list[tuple[str, str]]:
    """The `choices` of model fields that name a task: a callable, so that a new task needs
    no migration."""
    return [(spec.name, spec.label) for spec in task_list()]


def matrix_tasks() -> list[AITaskSpec]:
    return [spec for spec in _tasks.values() if spec.in_matrix]


DEFAULT_TIER = FAST


def tier_for(plan: str, task: str, rules: Mapping[tuple[str, str], str]) -> str:
    """The routing policy: which tier a plan gets for a task (`rules`, the admin's matrix).
    A task without rules of its own follows another task's tier (its registration's
    `tier_of`): the relevance check on a screenshot is part of an extraction."""
    spec = task_get(task)
    if spec is not None and spec.tier_of:
        task = spec.tier_of
    return rules.get((plan, task), DEFAULT_TIER)


def task_label(name: str) -> str:
    spec = task_get(name)
    return spec.label if spec is not None else name


def runner_register(kind: str, runner: Callable[..., Any], *, result_schema: str = "") -> None:
    """`runner(user=, **params)` does the work of a background task of this kind and returns
    the JSON-able data the synchronous endpoint would answer with; `result_schema` names that
    data's OpenAPI component (the task's `result`, orchestrator/openapi.py)."""
    if _runners.get(kind, runner) is not runner:
        raise ValueError(f"A runner for background tasks of kind {kind!r} is registered twice.")
    _runners[kind] = runner
    if result_schema:
        _result_schemas[kind] = result_schema


def runner_result_schemas() -> dict[str, str]:
    """Each background task kind's result component, by kind."""
    return dict(_result_schemas)


def runner_get(kind: str) -> Callable[..., Any]:
    try:
        return _runners[kind]
    except KeyError:
        raise LookupError(
            f"No runner is registered for background tasks of kind {kind!r}."
        ) from None


# --- The prompt a call sends ----------------------------------------------------------------
# The prompts app (above the gateway) keeps each task's prompt versions, the live one and the
# experiments; it registers one resolver here, which the gateway asks once per call. Without a
# resolver, or when it has no row for a task, the code's prompt serves, so a missing row never
# breaks a task.


@dataclass(frozen=True)
class PromptChoice:
    """The prompt version a call uses: `version` names it on the usage row and in the cache
    key ("cover_letter@3"; "cover_letter@code" for the code's own); `tier` is an experiment
    arm's tier, in place of the routing matrix's."""

    version: str
    system_prompt: str | None
    user_template: str | None
    tier: str = ""

    def render(self, variables: Mapping[str, str] | None, prompt: str) -> str:
        """The user prompt: the template over the call's variables, or the call's own text."""
        if variables is None or self.user_template is None:
            return prompt
        return template_render(self.user_template, dict(variables))


PromptResolver = Callable[[AITaskSpec, Any], PromptChoice | None]
_prompt_resolver: list[PromptResolver] = []


def prompt_resolver_register(resolver: PromptResolver) -> None:
    """`resolver(spec, user)` answers the task's prompt for this user (its live version, or an
    experiment arm's), or None for the code's; called on every call, so it must not query."""
    _prompt_resolver[:] = [resolver]


def prompt_choose(task: str, user: Any) -> PromptChoice | None:
    """The prompt version of one call of a registered task (None for an unknown task name)."""
    spec = task_get(task)
    if spec is None:
        return None
    if _prompt_resolver and (chosen := _prompt_resolver[0](spec, user)) is not None:
        return chosen
    return PromptChoice(
        version=f"{spec.name}@code",
        system_prompt=spec.system_prompt,
        user_template=spec.prompt.user if spec.prompt else None,
    )
