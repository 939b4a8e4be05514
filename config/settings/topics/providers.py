"""Providers configured by environment only, the offline provider, and how long a vendor may take
(orchestrator/snapshot.py, orchestrator/services.py)."""

from config.settings.env import env
from orchestrator.catalogue import DEFAULT_MODELS  # pure data: no Django import

# Default models per vendor and tier come from orchestrator/catalogue.py.
PROVIDER_ENV = {
    "gemini": {
        "api_key": env("GEMINI_API_KEY", default=""),
        "base_url": env("GOOGLE_GEMINI_BASE_URL", default=""),
        "fast_model": env("GEMINI_MODEL_FAST", default=DEFAULT_MODELS["gemini"][0]),
        "quality_model": env("GEMINI_MODEL_QUALITY", default=DEFAULT_MODELS["gemini"][1]),
    },
    "openai": {
        "api_key": env("OPENAI_API_KEY", default=""),
        "base_url": env("OPENAI_BASE_URL", default=""),
        "fast_model": env("OPENAI_MODEL_FAST", default=DEFAULT_MODELS["openai"][0]),
        "quality_model": env("OPENAI_MODEL_QUALITY", default=DEFAULT_MODELS["openai"][1]),
    },
    "anthropic": {
        "api_key": env("ANTHROPIC_API_KEY", default=""),
        "base_url": env("ANTHROPIC_BASE_URL", default=""),
        "fast_model": env("ANTHROPIC_MODEL_FAST", default=DEFAULT_MODELS["anthropic"][0]),
        "quality_model": env("ANTHROPIC_MODEL_QUALITY", default=DEFAULT_MODELS["anthropic"][1]),
    },
}
# Hosts ("host" or "host:port") a provider's base URL may name although they resolve to a
# private or local address (a self-hosted Ollama or vLLM); every other internal address is
# refused (core/outbound.py), as EXTRACTOR_ALLOWED_HOSTS does for job pages.
PROVIDER_ALLOWED_HOSTS = env.list("PROVIDER_ALLOWED_HOSTS", default=[])
# The offline provider ends every fallback chain unless turned off.
OFFLINE_PROVIDER_ENABLED = env.bool("OFFLINE_PROVIDER_ENABLED", default=True)

# Seconds the SDK may wait for one vendor answer, per task.
AI_TIMEOUTS = {
    "default": env.float("AI_TIMEOUT", default=60.0),
    "extraction": env.float("AI_TIMEOUT_EXTRACTION", default=45.0),
}
AI_DEFAULT_MAX_TOKENS = env.int("AI_DEFAULT_MAX_TOKENS", default=4096)
