"""Reads the orchestrator needs on every call: routing rules and the provider chain (prices are
in pricing.py)."""

from __future__ import annotations

from django.conf import settings

from . import snapshot
from .models import ProviderType
from .routes import Route

# Providers configured by environment variables only, in a fixed order.
ENV_PROVIDER_ORDER = ("gemini", "openai", "anthropic")


def routing_rules() -> dict[tuple[str, str], str]:
    return snapshot.current().rules


def provider_chain(*, provider_type: str | None = None) -> list[Route]:
    """Active DB configs (default first, then priority), env-only providers, offline last."""
    current = snapshot.current()
    routes = current.active_routes  # in Meta.ordering: default first, then priority
    chain = [route for route in routes if route.provider_type != ProviderType.OFFLINE]
    in_db = {config.provider_type for config in current.configs}
    for kind in ENV_PROVIDER_ORDER:
        env = settings.PROVIDER_ENV[kind]
        if env["api_key"] and kind not in in_db:
            chain.append(
                Route(
                    provider_type=kind,
                    name=f"{kind} (environment)",
                    api_key=env["api_key"],
                    base_url=env["base_url"],
                    fast_model=env["fast_model"],
                    quality_model=env["quality_model"],
                )
            )
    if settings.OFFLINE_PROVIDER_ENABLED:
        offline = [route for route in routes if route.provider_type == ProviderType.OFFLINE]
        if offline:
            chain.append(offline[0])
        elif ProviderType.OFFLINE not in in_db:
            chain.append(Route("offline", "Offline (built in)", "", "", "offline", "offline"))
    if provider_type:
        chain = [route for route in chain if route.provider_type == provider_type]
    return chain
