"""An AI call's record of itself before any vendor is called: its quota hold names the call
(request id, task, route, the tokens it sends), so the reaper can write the call's usage row
if its process dies before the call settles (orchestrator/reaper.py)."""

from __future__ import annotations

from typing import Any

from billing.holds import HoldSpec

from .routes import Route


def hold_spec(call: Any, route: Route, model: str, *, input_tokens: int) -> HoldSpec:
    """The hold of a call's reservation, made for its first paid route."""
    return HoldSpec(
        request_id=call.request_id,
        input_tokens=max(input_tokens, 0),
        task_type=call.task,
        plan=call.plan,
        tier=call.tier,
        provider_type=route.provider_type,
        provider_config_id=route.config_id,
        model=model,
        prompt_version=call.prompt_version,
    )
