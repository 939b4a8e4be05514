"""A link of the provider chain, built from a provider config (its key decrypted once)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from core import outbound

from .crypto import DecryptionError
from .models import ProviderConfig, ProviderType


@dataclass(frozen=True)
class Route:
    """One link of the provider chain: a DB config, an env-only provider or the offline one."""

    provider_type: str
    name: str
    api_key: str
    base_url: str
    fast_model: str
    quality_model: str
    config_id: int | None = None
    # Why this link cannot be called (e.g. its key no longer decrypts); the chain logs it as a
    # failed attempt and goes on, instead of one broken config stopping every call.
    unusable: str = ""
    # Read by every attempt, so worked out once, when the link is built (the snapshot builds
    # it, once per version): answers that cost nothing (the offline provider) spend no token
    # or cost quota; `key` names the provider for its circuit breaker (the config id, or
    # env/offline).
    free: bool = field(init=False)
    key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "free", self.provider_type == ProviderType.OFFLINE)
        key = str(self.config_id) if self.config_id else f"{self.provider_type}-builtin"
        object.__setattr__(self, "key", key)

    def model_for(self, tier: str) -> str:
        return self.quality_model if tier == "quality" else self.fast_model


KEY_UNREADABLE = (
    "key cannot be decrypted: FIELD_ENCRYPTION_KEYS no longer holds the key that encrypted "
    "it; an admin must enter the API key again"
)


def base_url_refusal(base_url: str) -> str | None:
    """Why the outbound address policy refuses a provider's base URL, or None. A private or
    local server (Ollama, vLLM) must be listed in PROVIDER_ALLOWED_HOSTS: otherwise whoever
    edits configs could point "Test now" at the machine's or the cloud's internal services."""
    refusal = outbound.url_refusal(base_url, allowed_hosts=settings.PROVIDER_ALLOWED_HOSTS)
    if refusal and "private network" in refusal:
        refusal += " List its host in PROVIDER_ALLOWED_HOSTS to allow a server of your own."
    return refusal


def route_for(config: ProviderConfig) -> Route:
    try:
        api_key, unusable = config.api_key, ""
    except DecryptionError:
        api_key, unusable = "", KEY_UNREADABLE
    return Route(
        provider_type=config.provider_type,
        name=config.name,
        api_key=api_key,
        base_url=config.base_url,
        fast_model=config.fast_model,
        quality_model=config.quality_model,
        config_id=config.pk,
        unusable=unusable,
    )


def config_key_unreadable(config: ProviderConfig) -> bool:
    """Whether the config's stored API key no longer decrypts (for the admin and alerts)."""
    return bool(route_for(config).unusable)
