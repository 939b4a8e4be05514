"""The offline provider: no key, no network, deterministic answers.

It reads the same tagged prompt an LLM would get (`<posting>`, `<profile>`, `<job>`, `<tone>`)
and answers from it alone: JSON-LD and text heuristics for extraction, and CVs and letters
assembled only from facts in the profile, ordered by the job's keywords. It is the last link
of every fallback chain, so the product works before anyone configures a vendor.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from jobs.heuristics import job_from_page, job_from_text
from jobs.structured import structured_job
from orchestrator.prompting import read_block
from orchestrator.providers import BAD_REQUEST, ProviderError, ProviderReply
from orchestrator.providers.offline_cv import draft_cv
from orchestrator.providers.offline_letter import draft_letter

NO_IMAGES = (
    "The offline provider cannot read images; configure Gemini, OpenAI or Claude for screenshots."
)
_HTML = re.compile(
    r"<(?:!doctype|html|head|body|div|p|main|article|section|script|ul|li|h[1-6]|"
    r"span|br|meta|table)\b",
    re.I,
)


class OfflineAdapter:
    def __init__(
        self, *, api_key: str | None = None, base_url: str | None = None, timeout: float = 30.0
    ):
        self.timeout = timeout  # kept for the adapter contract; nothing here waits

    def generate(
        self,
        *,
        model: str,
        prompt: str,
        system_prompt: str | None = None,
        image: bytes | None = None,
        image_mime: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        json_schema: dict | None = None,
        task: str | None = None,
        tier: str = "fast",  # the offline answer is the same on every tier
    ) -> ProviderReply:
        if image is not None or task == "image_check":
            raise ProviderError(BAD_REQUEST, NO_IMAGES, retryable=False)
        if task == "extraction":
            text = json.dumps(extract_job(_block(prompt, "posting")), ensure_ascii=False)
        elif task == "cv_draft":
            text = json.dumps(
                draft_cv(_json(prompt, "profile"), _json(prompt, "job")), ensure_ascii=False
            )
        elif task == "cover_letter":
            tone = (read_block(prompt, "tone") or "professional").strip().lower()
            letter = draft_letter(_json(prompt, "profile"), _json(prompt, "job"), tone)
            text = json.dumps(letter, ensure_ascii=False)
        elif task == "provider_test":
            text = "OK"
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
            input_tokens=math.ceil(len((system_prompt or "") + prompt) / 4),
            output_tokens=math.ceil(len(text) / 4),
        )


def _block(prompt: str, tag: str) -> str:
    content = read_block(prompt, tag)
    if content is None:
        raise ProviderError(BAD_REQUEST, f"The prompt has no <{tag}> block.", retryable=False)
    return content


def _json(prompt: str, tag: str) -> dict:
    try:
        value = json.loads(_block(prompt, tag))
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


def extract_job(posting: str) -> dict:
    if _HTML.search(posting):
        return structured_job(posting) or job_from_page(posting)
    return job_from_text(posting)
