"""The model catalogue: default models per vendor and tier, and the models vendors are retiring.

Pure data (settings import it), read from the installed SDKs and the vendors' deprecation pages:

- OpenAI: `openai/types/shared/chat_model.py` (openai 3.54) lists the chat models and, in its
  "Deprecated values" docstring, each announced shutdown date. gpt-4o and gpt-4o-mini shut down
  on 2027-01-14; OpenAI names gpt-6-luna as their replacement. gpt-6.1-sol is its model for
  professional work "at a lower cost than GPT-6 Astra" and carries no shutdown date.
- Anthropic: `anthropic/types/model_param.py` lists the models, `DEPRECATED_MODELS` in
  `anthropic/resources/messages/messages.py` their end-of-life dates (anthropic 2.12).
- Gemini: the google-genai 3.4 README and docstrings use gemini-3.8-flash; Google's deprecation
  page (ai.google.dev/gemini-api/docs/deprecations) retires gemini-2.5-pro and gemini-2.5-flash
  with gemini-3.8-flash and gemini-3.5-flash-lite as their replacements, neither with a
  shutdown date.

A default is never a model with an announced shutdown date (tests/orchestrator/test_catalogue.py
checks this table against the SDKs' own notes). Prices are not here: genai-prices has them.
"""

from __future__ import annotations

# provider type -> (fast model, quality model)
DEFAULT_MODELS: dict[str, tuple[str, str]] = {
    "gemini": ("gemini-3.5-flash-lite", "gemini-3.8-flash"),
    "openai": ("gpt-6-luna", "gpt-6.1-sol"),
    "anthropic": ("claude-haiku-5-5", "claude-sonnet-5-5"),
}

# (provider type, model) -> announced shutdown date, as the SDKs and deprecation pages give it.
# Only chat models a config could plausibly name; the vendors' list endpoints report the rest
# (OpenAI `shutdown_date`, Anthropic `lifecycle`/`retires_at`) when a config is tested.
SHUTDOWN_DATES: dict[tuple[str, str], str] = {
    **{
        ("openai", model): "2027-01-14"
        for model in (
            "gpt-4o",
            "gpt-4o-2024-11-20",
            "gpt-4o-2024-08-06",
            "gpt-4o-mini",
            "gpt-4o-mini-2024-07-18",
            "gpt-4.1",
            "gpt-4.1-mini",
            "gpt-4.1-2025-04-14",
            "gpt-4.1-mini-2025-04-14",
        )
    },
    **{
        ("openai", model): "2026-12-11"
        for model in ("gpt-5", "gpt-5-mini", "gpt-5-nano", "o3", "o3-2025-04-16")
    },
    **{
        ("openai", model): "2026-10-23"
        for model in ("gpt-4.1-nano", "o4-mini", "o3-mini", "o1", "gpt-4-turbo", "gpt-3.5-turbo")
    },
    **{("openai", model): "2027-04-01" for model in ("gpt-5.4-nano", "gpt-5.1")},
    ("anthropic", "claude-sonnet-4-5"): "2026-11-30",
    ("anthropic", "claude-sonnet-4-5-20250929"): "2026-11-30",
    ("anthropic", "claude-opus-4-0"): "2026-06-15",
    ("anthropic", "claude-sonnet-4-0"): "2026-06-15",
    ("anthropic", "claude-3-7-sonnet-latest"): "2026-02-19",
    ("anthropic", "claude-3-5-haiku-latest"): "2026-02-19",
    ("gemini", "gemini-2.5-pro"): "2026-12-01",
    ("gemini", "gemini-2.5-flash"): "2026-12-01",
    ("gemini", "gemini-2.0-flash"): "2026-02-01",
    ("gemini", "gemini-2.0-flash-lite"): "2026-02-01",
    ("gemini", "gemini-3.1-flash-lite"): "2027-05-07",
}

# Our provider types as genai-prices names them. An OpenAI-compatible server is absent: it may
# be a free local Ollama or a reseller with its own prices, so only an admin's price row (zero
# for a local server) prices it; until then its models count as unpriced.
PRICE_PROVIDER_IDS: dict[str, str] = {
    "gemini": "google",
    "openai": "openai",
    "anthropic": "anthropic",
}


def shutdown_date(provider_type: str, model: str) -> str | None:
    return SHUTDOWN_DATES.get((provider_type, model))


# Provider types that never cost money: our own offline provider runs no vendor model.
FREE_PROVIDER_TYPES = frozenset({"offline"})
