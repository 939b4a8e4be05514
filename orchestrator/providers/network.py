"""The connections the vendor SDKs open: through the outbound address policy.

A provider's base URL is checked when staff save it and before "Test now"
(orchestrator.snapshot); the SDK clients then keep a connection pool for many calls, opening new
connections long after that check. Each new connection resolves the host again, vets every
address and dials only those (core.outbound.CheckedBackend), so a base URL whose DNS is later
pointed at an internal address (rebinding) is refused at connect. PROVIDER_ALLOWED_HOSTS names
the internal servers (a self-hosted Ollama or vLLM) a base URL may reach.

The installed openai, anthropic and google-genai SDKs ride on httpx2 / httpcore2.
"""

from __future__ import annotations

from typing import Any

import httpcore2
import httpx2
from django.conf import settings

from core.outbound import checked_transport

# The SDKs' own defaults (openai/_constants.py, anthropic/_constants.py): a caller's transport
# replaces the pool they would have built with them.
LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)


def provider_transport() -> Any:
    return checked_transport(
        httpx2,
        httpcore2,
        allowed_hosts=lambda: settings.PROVIDER_ALLOWED_HOSTS,
        limits=LIMITS,
    )
