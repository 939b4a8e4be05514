"""The gateway: the one door every AI call goes through (docs/architecture.md walks one call).

- `AIRequest` (orchestrator/request.py, beside the adapters that take it): what a call asks,
  built once (AIRequest.of_task for a registered task) and handed to the adapter as it is.
- `call.Call`: one call's routing (plan, tier, provider chain), quota, result cache and usage
  rows; `serve.run_chain` tries its providers in turn, `attempt` makes and logs one try.
- `serve.generate` (a whole answer, with the task's output check) and `stream.stream` (the
  answer piece by piece) are the two front doors over it.
- `provider_test`: the credentials test of a provider config, through the same attempt.

Every attempt, served or failed, leaves one UsageLog row (orchestrator/hotpath.py writes it).
"""

from ..request import AIRequest
from .call import AIResult
from .provider_test import (
    ProviderTestResult,
    model_warnings,
    provider_test,
    provider_test_active,
)
from .serve import generate
from .stream import AIStream, StreamBroken, stream

__all__ = [
    "AIRequest",
    "AIResult",
    "AIStream",
    "ProviderTestResult",
    "StreamBroken",
    "generate",
    "model_warnings",
    "provider_test",
    "provider_test_active",
    "stream",
]
