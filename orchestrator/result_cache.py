"""Exact-match cache of AI results in Django's cache (Redis when REDIS_URL is set).

The key covers everything that shapes the answer: task, the route meant to answer (provider
type, server and model), the normalised prompt, system prompt, image hash and parameters.
Only that route's answers are stored under it (orchestrator.gateway): a fallback's or
the offline provider's answer during an outage would otherwise be served in the primary's name
for days after it recovers. Answers are also scoped to the user, unless the task's registration
says they may be shared (`shared_cache`: extractions, so the same posting is paid for once);
drafts carry the user's own data (job, profile version, tone — all of it in the prompt).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache


def result_key(
    *,
    task: str,
    route: Any,
    model: str,
    request: Any,
    user_id: int | None,
    shared: bool,
    prompt_version: str = "",
) -> str:
    """`route` is the chain link (orchestrator.snapshot.Route) meant to answer; `request` the
    call's AIRequest; `shared`, the task's registration lets users share answers. The prompt
    version is part of the key, so two arms of an experiment never share an answer."""
    image = request.image
    parts = {
        "task": task,
        "provider": route.provider_type,
        # Two OpenAI-compatible servers may serve models of the same name.
        "server": route.base_url,
        "model": model,
        # Whitespace runs as one space (as re.sub(r"\s+", " ", ...).strip(), for every code
        # point, and five times faster: a letter's prompt holds the whole profile).
        "prompt": " ".join(request.prompt.split()),
        "system": request.system_prompt or "",
        "image": hashlib.sha256(image).hexdigest() if image else "",
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
        "schema": request.json_schema,
        "user": None if shared else user_id,
        "prompt_version": prompt_version,
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"ai:result:v2:{digest}"


def result_get(key: str) -> dict[str, Any] | None:
    return cache.get(key)


CACHED_FIELDS = (
    "text",
    "provider",
    "model",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "data",
    "provider_config_id",
)


def result_set(key: str, result: Any) -> None:
    """Store what a hit needs to answer like the original call (an AIResult)."""
    value = {name: getattr(result, name) for name in CACHED_FIELDS}
    value["cost_usd"] = str(value["cost_usd"])  # Decimal survives any cache serialiser
    cache.set(key, value, timeout=settings.AI_CACHE_TTL)
