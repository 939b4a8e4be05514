"""The offline provider: no key, no network, deterministic answers.

It reads the same tagged prompt an LLM would get and answers from it alone, with the offline
answer each AI task registers (orchestrator.registry; jobs, cvs and letters register theirs:
heuristics for extraction, CVs and letters assembled only from facts in the profile). A task
without one gets the smallest answer its schema allows. It is the last link of every fallback
chain, so the product works before anyone configures a vendor.
"""

from __future__ import annotations

import json
import math
from typing import Any

from core.prompting import read_block
from orchestrator.providers import BAD_REQUEST, ProviderError, ProviderReply
from orchestrator.registry import PROVIDER_TEST, task_get
from orchestrator.request import AIRequest

NO_IMAGES = (
    "The offline provider cannot read images; configure Gemini, OpenAI or Claude for screenshots."
)


class OfflineAdapter:
    def __init__(
        self, *, api_key: str | None = None, base_url: str | None = None, timeout: float = 30.0
    ):
        self.timeout = timeout  # kept for the adapter contract; nothing here waits

    def generate(self, request: AIRequest, *, model: str, tier: str = "fast") -> ProviderReply:
        prompt, task, json_schema = request.prompt, request.task, request.json_schema
        if request.image is not None:
            raise ProviderError(BAD_REQUEST, NO_IMAGES, retryable=False)
        spec = task_get(task) if task else None
        if task == PROVIDER_TEST.name:
            text = "OK"
        elif spec is not None and spec.offline is not None:
            text = json.dumps(spec.offline(prompt), ensure_ascii=False)
        elif json_schema:
            text = json.dumps(_empty_instance(json_schema))
        else:
            text = (
                f"The offline provider has no model for the task {task or 'unnamed'!r}; "
                f"it received a prompt of {len(prompt)} characters."
            )
        # Estimates, not vendor counts: about four characters a token for English text.
        return ProviderReply(
            text=text,
            input_tokens=math.ceil(len((request.system_prompt or "") + prompt) / 4),
            output_tokens=math.ceil(len(text) / 4),
        )


def required_block(prompt: str, tag: str) -> str:
    content = read_block(prompt, tag)
    if content is None:
        raise ProviderError(BAD_REQUEST, f"The prompt has no <{tag}> block.", retryable=False)
    return content


def required_json(prompt: str, tag: str) -> dict:
    try:
        value = json.loads(required_block(prompt, tag))
    except ValueError as exc:
        raise ProviderError(
            BAD_REQUEST, f"The <{tag}> block is not JSON.", retryable=False
        ) from exc
    return value if isinstance(value, dict) else {}


def _empty_instance(schema: dict) -> Any:
    # The smallest value that satisfies a simple schema, for tasks the offline provider
    # does not know but whose caller insists on JSON.
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _empty_instance(props.get(k, {})) for k in schema.get("required", props)}
    return {"array": [], "string": "", "boolean": False, "integer": 0, "number": 0}.get(kind)
