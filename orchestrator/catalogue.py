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

from dataclasses import dataclass

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


# --------------------------------------------------------------------------- capabilities
# What each model family takes. The vendors answer a value a model does not take with a 400,
# so the adapters (and the credentials probe) send only what a family's row allows. A row is
# found by the longest prefix of the model's name, so a dated snapshot finds its family; a model
# no row knows is sent no thinking setting at all (the vendor's default), and a vendor's 400
# naming a parameter is healed at run time (orchestrator/gateway/attempt.py).

# How a family's thinking is set, per vendor:
REASONING_EFFORT = "reasoning_effort"  # OpenAI Chat Completions
THINKING_LEVEL = "thinking_level"  # Gemini 3 and on (thinkingConfig.thinkingLevel)
THINKING_BUDGET = "thinking_budget"  # Gemini 2.5 (thinkingConfig.thinkingBudget, tokens)
OUTPUT_EFFORT = "output_config.effort"  # Anthropic 5.x (adaptive thinking is on by default)


@dataclass(frozen=True)
class Capabilities:
    """One model family: its thinking control and the values it accepts, least first."""

    control: str | None = None  # one of the four above; None: the model does not think
    levels: tuple[str, ...] = ()  # accepted values, least first (budgets: least, fast, quality)
    default: str | None = None  # what the vendor uses when none is sent
    fast: str | None = None  # what we ask for the fast tier's answers
    quality: str | None = None  # and for the quality tier's (a CV, a letter)
    sampling: bool = True  # takes `temperature`
    min_temperature: float | None = None  # a lower temperature is not sent
    max_output: int = 0  # tokens, thinking included; 0: not documented here
    context_window: int = 0
    image_max_mb: float = 0  # per inline image, as the vendor states it
    source: str = ""  # where each fact of the row can be read

    @property
    def least(self) -> str | None:
        """The least thinking the model accepts: what a tiny probe asks for."""
        return self.levels[0] if self.levels else None


_OPENAI_REASONING_DOC = (
    "openai/resources/chat/completions/completions.py (reasoning_effort: 'Not all reasoning "
    "models support every value'); developers.openai.com/api/docs/guides/reasoning"
)
_O_SERIES = Capabilities(
    REASONING_EFFORT,
    ("low", "medium", "high"),
    "medium",
    "low",
    "medium",
    sampling=False,
    max_output=100_000,
    context_window=200_000,
    image_max_mb=50,
    source=f"{_OPENAI_REASONING_DOC}; community.openai.com thread 'Compatibility Matrix: "
    "Reasoning Effort & Sampling Parameters' (o-series: low, medium, high)",
)
_GPT6 = dict(
    control=REASONING_EFFORT,
    default="medium",
    fast="low",
    quality="medium",
    sampling=False,
    max_output=128_000,
    context_window=1_050_000,
    image_max_mb=50,
)
_GEMINI3 = dict(
    control=THINKING_LEVEL,
    # Google's Gemini 3 guidance: keep temperature at its default 1.0; lower values can loop
    # and then run into the output cap.
    min_temperature=1.0,
    max_output=65_536,
    context_window=1_048_576,
    image_max_mb=7,
)
_ANTHROPIC5 = dict(
    control=OUTPUT_EFFORT,
    levels=("low", "medium", "high", "xhigh", "max"),
    fast="low",
    quality="medium",
    sampling=False,
    max_output=128_000,
    context_window=1_000_000,
    image_max_mb=5,
)

CAPABILITIES: dict[tuple[str, str], Capabilities] = {
    # ---- OpenAI: reasoning models refuse `temperature` (400 unsupported_parameter).
    ("openai", "o1"): _O_SERIES,
    ("openai", "o3"): _O_SERIES,
    ("openai", "o4"): _O_SERIES,
    ("openai", "gpt-4"): Capabilities(
        max_output=16_384,
        context_window=128_000,
        image_max_mb=50,
        source="developers.openai.com/api/docs/models/gpt-4o",
    ),
    ("openai", "gpt-5"): Capabilities(
        REASONING_EFFORT,
        ("minimal", "low", "medium", "high"),
        "medium",
        "low",
        "medium",
        sampling=False,
        max_output=128_000,
        context_window=400_000,
        image_max_mb=50,
        source=f"{_OPENAI_REASONING_DOC}; compatibility matrix thread (gpt-5: minimal..high)",
    ),
    ("openai", "gpt-5-chat"): Capabilities(
        max_output=16_384,
        context_window=128_000,
        image_max_mb=50,
        source="compatibility matrix thread (gpt-5-chat-latest takes no reasoning_effort)",
    ),
    ("openai", "gpt-5."): Capabilities(
        REASONING_EFFORT,
        ("none", "low", "medium", "high"),
        "none",
        "low",
        "medium",
        sampling=False,
        max_output=128_000,
        context_window=400_000,
        image_max_mb=50,
        source=f"{_OPENAI_REASONING_DOC}; learn.microsoft.com ReasoningEffort ('gpt-5.1 "
        "defaults to none ... none, low, medium, and high')",
    ),
    ("openai", "gpt-6"): Capabilities(
        levels=("none", "low", "medium", "high", "xhigh", "max"),
        source="developers.openai.com/api/docs/models/gpt-6-luna (reasoning.effort none, low, "
        "medium (default), high, xhigh, max; context 1,050,000; max output 128,000)",
        **_GPT6,
    ),
    # From gpt-6.1 on, none and minimal are gone: low is the floor.
    ("openai", "gpt-6."): Capabilities(
        levels=("low", "medium", "high", "xhigh", "max"),
        source="developers.openai.com/api/docs/models/gpt-6.1-sol (reasoning.effort low, "
        "medium (default), high, xhigh, max; none and minimal are refused)",
        **_GPT6,
    ),
    # ---- Anthropic: the SDK's messages.create has no sampling parameters.
    ("anthropic", "claude-"): Capabilities(
        sampling=False,
        image_max_mb=5,
        source="anthropic/resources/messages/messages.py (no temperature/top_p/top_k)",
    ),
    # 5.x: adaptive thinking is on unless told otherwise; `thinking: {type: "disabled"}`,
    # thinking budgets and sampling parameters are 400s; output_config.effort sets the depth.
    ("anthropic", "claude-sonnet-5"): Capabilities(
        default="high",
        source="platform.claude.com/docs/en/models/sonnet-5-5/migration-guide; "
        "anthropic/types/output_config_param.py (effort low..max); sonnet-5-5 overview "
        "(1M context, 128K output, default effort high)",
        **_ANTHROPIC5,
    ),
    ("anthropic", "claude-haiku-5"): Capabilities(
        default="medium",
        source="platform.claude.com/docs/en/models/haiku-5-5/whats-new-haiku-5-5 (adaptive "
        "thinking with effort, 1M context, 128K output); haiku-5-5 overview (default effort "
        "medium)",
        **_ANTHROPIC5,
    ),
    ("anthropic", "claude-opus-5"): Capabilities(
        default="medium",
        source="platform.claude.com/docs/en/models/haiku-5-5/overview (comparison table: Opus "
        "5.5 adaptive, always on, default effort medium)",
        **_ANTHROPIC5,
    ),
    # ---- Gemini
    ("gemini", "gemini-1."): Capabilities(source="models that do not think"),
    ("gemini", "gemini-2.0"): Capabilities(source="models that do not think"),
    # Budgets in tokens: least, fast tier, quality tier. Flash can switch thinking off, pro
    # cannot (least 128).
    ("gemini", "gemini-2.5-flash"): Capabilities(
        THINKING_BUDGET,
        ("0", "1024", "2048"),
        "-1",
        "1024",
        "2048",
        max_output=65_536,
        context_window=1_048_576,
        image_max_mb=7,
        source="google/genai/types.py ThinkingConfig ('0 is DISABLED'); "
        "googleapis/python-genai#782",
    ),
    ("gemini", "gemini-2.5-pro"): Capabilities(
        THINKING_BUDGET,
        ("128", "2048", "4096"),
        "-1",
        "2048",
        "4096",
        max_output=65_536,
        context_window=1_048_576,
        image_max_mb=7,
        source="googleapis/python-genai#782 (pro cannot turn thinking off)",
    ),
    ("gemini", "gemini-3-flash"): Capabilities(
        levels=("MINIMAL", "LOW", "MEDIUM", "HIGH"),
        default="HIGH",
        fast="LOW",
        quality="MEDIUM",
        source="ai.google.dev/gemini-api/docs/thinking ('Thinking levels')",
        **_GEMINI3,
    ),
    ("gemini", "gemini-3-pro"): Capabilities(
        levels=("LOW", "HIGH"),
        default="HIGH",
        fast="LOW",
        quality="HIGH",
        source="ai.google.dev/gemini-api/docs/thinking (Gemini 3 Pro: LOW, HIGH)",
        **_GEMINI3,
    ),
    ("gemini", "gemini-3.1-pro"): Capabilities(
        levels=("LOW", "MEDIUM", "HIGH"),
        default="HIGH",
        fast="LOW",
        quality="MEDIUM",
        source="docs.cloud.google.com 'Developer's guide to Gemini 3.8 Flash' (comparison "
        "table: 3.1 Pro LOW, MEDIUM, HIGH, default HIGH)",
        **_GEMINI3,
    ),
    ("gemini", "gemini-3.5-flash-lite"): Capabilities(
        levels=("MINIMAL", "LOW", "MEDIUM", "HIGH"),
        default="MINIMAL",
        fast="LOW",
        quality="MEDIUM",
        source="docs.cloud.google.com/.../models/gemini/3-5-flash-lite (MINIMAL..HIGH, default "
        "MINIMAL; context 1,048,576; output 65,536; 7 MB per inline image)",
        **_GEMINI3,
    ),
    # Flash from 3.7 on: LOW, MEDIUM, HIGH (default MEDIUM); MINIMAL is a 400.
    ("gemini", "gemini-3.7-flash"): Capabilities(
        levels=("LOW", "MEDIUM", "HIGH"),
        default="MEDIUM",
        fast="LOW",
        quality="MEDIUM",
        source="docs.cloud.google.com 'Developer's guide to Gemini 3.8 Flash' (comparison "
        "table: LOW, MEDIUM, HIGH, default MEDIUM; context 1,048,576; output 65,536)",
        **_GEMINI3,
    ),
    ("gemini", "gemini-3.8-flash"): Capabilities(
        levels=("LOW", "MEDIUM", "HIGH"),
        default="MEDIUM",
        fast="LOW",
        quality="MEDIUM",
        source="docs.cloud.google.com 'Developer's guide to Gemini 3.8 Flash' (LOW, MEDIUM, "
        "HIGH, default MEDIUM; context 1,048,576; output 65,536)",
        **_GEMINI3,
    ),
}
# A Gemini 3 or later model no row names: thinking levels, sent only as the vendor's default.
GEMINI_LATER = Capabilities(source="an unknown Gemini 3+ model: the vendor's defaults", **_GEMINI3)
UNKNOWN = Capabilities(source="a model no row knows: nothing but the vendor's defaults is sent")


def capabilities(provider_type: str, model: str) -> Capabilities:
    """The row of a model's family (longest prefix of its name), or what is safe to assume."""
    vendor = "openai" if provider_type == "openai_compatible" else provider_type
    name = model.lower().rsplit("/", 1)[-1]  # "models/gemini-3.8-flash" is the same model
    prefixes = [p for (v, p) in CAPABILITIES if v == vendor and name.startswith(p)]
    if prefixes:
        return CAPABILITIES[(vendor, max(prefixes, key=len))]
    if vendor == "gemini" and name.startswith("gemini-") and not name.startswith("gemini-2"):
        return GEMINI_LATER
    return UNKNOWN
