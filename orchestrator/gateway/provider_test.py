"""The credentials test of a provider config: a cheap real call to each of its models, and
what an admin should fix about them, stored on the config."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.utils import timezone

from .. import pricing, snapshot
from ..catalogue import shutdown_date
from ..models import ProviderConfig, UsageLog
from ..providers import ProviderError, adapter_class, scrub
from ..registry import PROVIDER_TEST
from ..request import AIRequest
from ..snapshot import Route, base_url_refusal, route_for
from .attempt import AttemptFailed, attempt, attempt_healed, healing_warnings, skip_unusable
from .call import Call


@dataclass(frozen=True)
class ProviderTestResult:
    ok: bool
    message: str
    warnings: tuple[str, ...] = ()


# The credentials test's own fixed prompt, named on its usage rows as a task's code prompt is.
PROVIDER_TEST_PROMPT = f"{PROVIDER_TEST.name}@code"
_TEST_REQUEST = AIRequest(
    task=PROVIDER_TEST.name, prompt="Reply with the word OK.", temperature=0.0, max_tokens=16
)


def provider_test(*, config: Any, user: Any = None) -> ProviderTestResult:
    """A cheap real call to the config's fast model and one to its quality model, then the
    vendor's model list: the outcome (and what an admin should fix) is stored on the config.
    A config saved as "active once a test passes" is activated by its first passing test."""
    try:
        route = route_for(config)
        answered: list[str] = []
        if route.base_url and (refusal := base_url_refusal(route.base_url)):
            route = replace(route, unusable=refusal)  # refused before any connection
        for tier, model in dict.fromkeys(
            [("fast", route.fast_model), ("quality", route.quality_model)]
        ):
            if route.unusable:  # no vendor call: the failed attempt is logged, the test fails
                skip_unusable(
                    Call(
                        user=user,
                        task=PROVIDER_TEST.name,
                        plan="",
                        tier=tier,
                        prompt_version=PROVIDER_TEST_PROMPT,
                    ),
                    route,
                )
                outcome = ProviderTestResult(False, f"{config.name}: failed — {route.unusable}")
                break
            if answered and model == route.fast_model:
                continue  # one model for both tiers: tested once
            call = Call(
                user=user,
                task=PROVIDER_TEST.name,
                plan="",
                tier=tier,
                prompt_version=PROVIDER_TEST_PROMPT,
            )
            try:
                result = attempt_healed(
                    functools.partial(attempt, call, route),
                    _TEST_REQUEST,
                    provider_type=route.provider_type,
                    model=model,
                )
            except AttemptFailed as exc:
                row = UsageLog.objects.filter(request_id=call.request_id).first()
                detail = row.error_message if row else exc.error.message
                outcome = ProviderTestResult(False, f"{config.name}: failed — {model}: {detail}")
                break
            answered.append(f"{result.model} answered in {result.latency_ms} ms")
        else:
            outcome = ProviderTestResult(
                True, f"{config.name}: OK ({', '.join(answered)}).", tuple(model_warnings(route))
            )
    except Exception as exc:  # e.g. a key that no longer decrypts
        outcome = ProviderTestResult(
            False, f"{config.name}: failed — {type(exc).__name__}: {scrub(str(exc))}"
        )
    fields: dict[str, Any] = dict(
        last_tested_at=timezone.now(),
        last_test_status=ProviderConfig.TestStatus.OK
        if outcome.ok
        else ProviderConfig.TestStatus.FAILED,
        last_test_message=scrub(outcome.message)[:2000],
        last_test_warnings=list(outcome.warnings),
    )
    configs = ProviderConfig.objects.filter(pk=config.pk)
    configs.update(**fields)
    # Decided by the row, not by `config`: an admin may have (de)activated it meanwhile.
    if outcome.ok and configs.filter(activate_when_tested=True).update(
        is_active=True, activate_when_tested=False
    ):
        snapshot.bump()  # update() sends no signal: the chain must see the new provider
    return outcome


def model_warnings(route: Route) -> list[str]:
    """What an admin should fix about a route's models: not in the list of models its key can
    see, being retired (the vendor's list or the catalogue says so), or unpriced."""
    warnings: list[str] = []
    listed: dict[str, str | None] | None = None
    timeout = settings.AI_TIMEOUTS["default"]
    adapter = adapter_class(route.provider_type)(
        api_key=route.api_key, base_url=route.base_url or None, timeout=timeout
    )
    list_models = getattr(adapter, "list_models", None)  # the offline provider has no list
    if list_models is not None:
        try:
            listed = list_models()
        except ProviderError as exc:
            warnings.append(
                f"Could not list the models this key can see ({exc.kind}: "
                f"{scrub(exc.message, route.api_key)})."
            )
    for model in dict.fromkeys([route.fast_model, route.quality_model]):
        if listed is not None and model not in listed:
            warnings.append(f"{model} is not among the {len(listed)} models this key can see.")
        retiring = (
            (listed or {}).get(model)
            or shutdown_date(route.provider_type, model)
            or ("deprecated" if pricing.library_deprecated(route.provider_type, model) else None)
        )
        if retiring:
            warnings.append(f"{model} is being retired ({retiring}); choose a current model.")
        if pricing.rates_for(provider_type=route.provider_type, model=model).source == (
            pricing.UNPRICED
        ):
            warnings.append(
                f"{model} is unpriced: its calls are charged at the ceiling price until a "
                "Model price row prices it."
            )
    return warnings + healing_warnings(route.provider_type, [route.fast_model, route.quality_model])


def provider_test_active() -> list[ProviderTestResult]:
    """Test every active config (the daily re-test): a key that stopped working raises the
    failing-credentials alert without waiting for users to meet it."""
    configs = ProviderConfig.objects.filter(is_active=True).order_by("priority", "pk")
    return [provider_test(config=config) for config in configs]
