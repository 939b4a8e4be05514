"""The request rules the real vendor APIs enforce, for the doubles to enforce too.

A double that accepts anything lets a request through that the real vendor refuses. Each rule
here names where it can be read (the installed SDK's source or the vendor's documentation).
`refusal(vendor, body)` returns the refusal a vendor would answer, or None; `openai_reasoning`
and `gemini_thoughts` say how many output tokens a model spends thinking.

Which models reason or think is decided by model name, in the two tables below (first match
wins), so any current or future name of a family behaves like its family.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from typing import Any

from anthropic.types.message_create_params import MessageCreateParamsBase
from google.genai import types as genai_types
from openai.types.chat.completion_create_params import CompletionCreateParamsBase

# --------------------------------------------------------------------------- model tables

# OpenAI reasoning models (o-series, GPT-5 and later) and the reasoning efforts each accepts.
# The SDK's `ReasoningEffort` (openai/types/shared/reasoning_effort.py) lists every value and
# the docstring of chat.completions.create says "Not all reasoning models support every value";
# which model takes which: o-series low..high, gpt-5 adds minimal, gpt-5.1 none..high (community
# thread "Compatibility Matrix: Reasoning Effort & Sampling Parameters", learn.microsoft.com
# ReasoningEffort), gpt-5.2 adds xhigh; gpt-6-luna and gpt-6-sol none..max
# (developers.openai.com/api/docs/models/gpt-6-luna); gpt-6.1 and later low..max, "none and
# minimal are gone" (developers.openai.com/api/docs/models/gpt-6.1-sol). None: a classic model.
OPENAI_REASONING: list[tuple[re.Pattern[str], frozenset[str] | None]] = [
    (re.compile(r"o\d"), frozenset({"low", "medium", "high"})),
    (re.compile(r"gpt-5-chat"), None),
    (re.compile(r"gpt-5(-|$)"), frozenset({"minimal", "low", "medium", "high"})),
    (re.compile(r"gpt-5\.1"), frozenset({"none", "low", "medium", "high"})),
    (re.compile(r"gpt-5\."), frozenset({"none", "low", "medium", "high", "xhigh"})),
    (re.compile(r"gpt-6(-|$)"), frozenset({"none", "low", "medium", "high", "xhigh", "max"})),
    (re.compile(r"gpt-([6-9]\.|[7-9])"), frozenset({"low", "medium", "high", "xhigh", "max"})),
]
# Reasoning tokens a request spends by effort (medium is the API's default): a model of the
# behaviour, not measured numbers.
OPENAI_REASONING_TOKENS = {
    "none": 0,
    "minimal": 0,
    "low": 150,
    "medium": 600,
    "high": 1500,
    "xhigh": 3000,
    "max": 6000,
}


@dataclass(frozen=True)
class GeminiThinking:
    can_switch_off: bool  # flash takes thinkingBudget 0; pro answers 400 (python-genai#782)
    takes_budget: bool  # "Starting from Gemini 3.5 models, the old thinking_budget will no
    # longer be supported and will result in a user error if set" (google/genai/types.py)
    levels: frozenset[str]  # thinkingLevel values the model takes (none before Gemini 3)


_ALL_LEVELS = frozenset({"MINIMAL", "LOW", "MEDIUM", "HIGH"})
_NO_MINIMAL = frozenset({"LOW", "MEDIUM", "HIGH"})
# Gemini models that think first; thinking counts against maxOutputTokens and is reported as
# thoughtsTokenCount (googleapis/python-genai#782, #811). Levels per model: Gemini 3 Pro LOW and
# HIGH (ai.google.dev/gemini-api/docs/thinking; "Thinking level MEDIUM is not supported for
# this model.", heyhuynhgiabuu/proxypal#170); 3.1 Pro, 3.7 Flash and 3.8 Flash LOW, MEDIUM,
# HIGH (docs.cloud.google.com "Developer's guide to Gemini 3.8 Flash", comparison table);
# 3.5 Flash-Lite MINIMAL..HIGH (docs.cloud.google.com .../models/gemini/3-5-flash-lite).
GEMINI_THINKING: list[tuple[re.Pattern[str], GeminiThinking | None]] = [
    (re.compile(r"gemini-(1\.|2\.0)"), None),
    (re.compile(r"gemini-2\.5-flash"), GeminiThinking(True, True, frozenset())),
    (re.compile(r"gemini-2\.5-pro"), GeminiThinking(False, True, frozenset())),
    (re.compile(r"gemini-3-.*pro"), GeminiThinking(False, True, frozenset({"LOW", "HIGH"}))),
    (re.compile(r"gemini-3\.[0-4]-.*pro"), GeminiThinking(False, True, _NO_MINIMAL)),
    (re.compile(r"gemini-3(\.[0-4])?-"), GeminiThinking(True, True, _ALL_LEVELS)),
    (re.compile(r"gemini-\d+(\.\d+)?-flash-lite"), GeminiThinking(True, False, _ALL_LEVELS)),
    (re.compile(r"gemini-\d+(\.\d+)?-"), GeminiThinking(True, False, _NO_MINIMAL)),
]
# Thoughts a request spends: with no thinking config the model decides ("dynamic").
GEMINI_DYNAMIC_THOUGHTS = 600
GEMINI_LEVEL_THOUGHTS = {"MINIMAL": 0, "LOW": 150, "MEDIUM": 400, "HIGH": 600}


def _first(table: list[tuple[re.Pattern[str], Any]], model: str) -> Any:
    name = model.lower().rsplit("/", 1)[-1]
    return next((entry for pattern, entry in table if pattern.match(name)), None)


def openai_efforts(model: str) -> frozenset[str] | None:
    return _first(OPENAI_REASONING, model)


def gemini_thinking(model: str) -> GeminiThinking | None:
    return _first(GEMINI_THINKING, model)


# --------------------------------------------------------------------------- refusals


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    code: str | None = None  # OpenAI's error.code
    param: str | None = None  # OpenAI's error.param


def refusal(vendor: str, body: Any, model: str, size: int) -> Refusal | None:
    """The refusal for a request `size` bytes long, or None when the vendor would take it."""
    if vendor == "gemini" and size > GEMINI_REQUEST_MAX:
        return Refusal(400, f"Request payload size exceeds the limit: {GEMINI_REQUEST_MAX} bytes.")
    if not isinstance(body, dict):
        return None
    found = {"openai": _openai, "anthropic": _anthropic, "gemini": _gemini}[vendor](body, model)
    return found or unknown_field(vendor, body)


# --------------------------------------------------------------------------- known fields
# The fields a request may carry are the ones the installed SDK's own request types declare
# (so a double takes no body the SDK could not have sent), plus what the vendor documents
# beyond them. Anything else is refused as each vendor refuses it.


# Read at import: the first import of an SDK's types takes seconds, too long inside a request.
# Anthropic's API still documents temperature/top_p/top_k (refused by 5.x models, above);
# the 2.x SDK's create() no longer has them.
REQUEST_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    "openai": {"": frozenset(CompletionCreateParamsBase.__annotations__) | {"stream"}},
    "anthropic": {
        "": frozenset(MessageCreateParamsBase.__annotations__)
        | {"temperature", "top_p", "top_k", "stream"}
    },
    "gemini": {
        "generationConfig": frozenset(genai_types.GenerationConfig.model_fields),
        "thinkingConfig": frozenset(genai_types.ThinkingConfig.model_fields),
    },
}


def request_fields(vendor: str) -> dict[str, frozenset[str]]:
    """Field names per level of a request body, as the installed SDK's types declare them."""
    return REQUEST_FIELDS[vendor]


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def unknown_field(vendor: str, body: dict[str, Any]) -> Refusal | None:
    fields = request_fields(vendor)
    if vendor == "openai":
        extra = next((k for k in body if k not in fields[""]), None)
        if extra:  # platform.openai.com error for an unknown body field
            return Refusal(400, f"Unknown parameter: '{extra}'.", "unknown_parameter", extra)
        return None
    if vendor == "anthropic":
        extra = next((k for k in body if k not in fields[""]), None)
        return Refusal(400, f"{extra}: Extra inputs are not permitted") if extra else None
    config = _field(body, "generationConfig") or {}
    levels = (("generation_config", config, "generationConfig"),)
    thinking = _field(config, "thinkingConfig")
    if isinstance(thinking, dict):
        levels += (("generation_config.thinking_config", thinking, "thinkingConfig"),)
    for where, message, level in levels:
        extra = next((k for k in message if _snake(k) not in fields[level]), None)
        if extra:  # google.rpc BadRequest for an unknown JSON field
            return Refusal(
                400,
                f"Invalid JSON payload received. Unknown name \"{extra}\" at '{where}': "
                "Cannot find field.",
            )
    return None


def _openai(body: dict[str, Any], model: str) -> Refusal | None:
    efforts = openai_efforts(model)
    if efforts is not None:
        # Reasoning models take only the default temperature (issues appatalks/eva-agent#83,
        # modxcms/modAI#84: 400 with this body, code unsupported_parameter).
        if body.get("temperature") not in (None, 1):
            return _unsupported("temperature")
        # max_tokens "is not compatible with o-series models" (SDK docstring of
        # chat.completions.create); reasoning models want max_completion_tokens.
        if "max_tokens" in body:
            return Refusal(
                400,
                "Unsupported parameter: 'max_tokens' is not supported with this model. "
                "Use 'max_completion_tokens' instead.",
                "unsupported_parameter",
                "max_tokens",
            )
        effort = body.get("reasoning_effort")
        if effort is not None and effort not in efforts:
            return Refusal(
                400,
                f"Unsupported value: 'reasoning_effort' does not support {effort!r} with this "
                f"model. Supported values are: {', '.join(sorted(efforts))}.",
                "unsupported_value",
                "reasoning_effort",
            )
    elif "reasoning_effort" in body:
        return _unsupported("reasoning_effort")
    response_format = body.get("response_format") or {}
    spec = response_format.get("json_schema") or {}
    if response_format.get("type") == "json_schema" and spec.get("strict"):
        # Strict structured outputs: every object lists all its properties in `required` and
        # has additionalProperties false (the SDK's openai/lib/_pydantic.py,
        # to_strict_json_schema, makes pydantic schemas so).
        problem = _strict_problem(spec.get("schema") or {}, ())
        if problem:
            return Refusal(
                400,
                f"Invalid schema for response_format '{spec.get('name')}': {problem}",
                "invalid_json_schema",
                "response_format",
            )
    return None


def _unsupported(param: str) -> Refusal:
    return Refusal(
        400,
        f"Unsupported parameter: '{param}' is not supported with this model.",
        "unsupported_parameter",
        param,
    )


def _strict_problem(schema: Any, context: tuple[str, ...]) -> str | None:
    if not isinstance(schema, dict):
        return None
    where = f"In context=({', '.join(repr(c) for c in context)})"
    properties = schema.get("properties")
    if schema.get("type") == "object" or isinstance(properties, dict):
        if schema.get("additionalProperties") is not False:
            return f"{where}, 'additionalProperties' is required to be supplied and to be false."
        missing = [k for k in (properties or {}) if k not in (schema.get("required") or [])]
        if missing:
            return (
                f"{where}, 'required' is required to be supplied and to be an array including "
                f"every key in properties. Missing '{missing[0]}'."
            )
        for key, sub in (properties or {}).items():
            if problem := _strict_problem(sub, (*context, "properties", key)):
                return problem
    if isinstance(schema.get("items"), dict):
        return _strict_problem(schema["items"], (*context, "items"))
    for i, variant in enumerate(schema.get("anyOf") or ()):
        if problem := _strict_problem(variant, (*context, "anyOf", str(i))):
            return problem
    return None


# Anthropic: "image exceeds 5 MB maximum" and "At least one of the image dimensions exceed max
# allowed size: 8000 pixels" (errors quoted in lobehub/lobehub#14711, openclaw/openclaw#9598;
# platform.claude.com/docs/en/build-with-claude/vision). 5 MB is of the base64 text.
ANTHROPIC_IMAGE_BASE64_MAX = 5 * 1024 * 1024
ANTHROPIC_IMAGE_SIDE_MAX = 8000


# Anthropic 5.x models think adaptively unless told otherwise, and refuse what the older
# models took: "thinking budgets, sampling parameters, assistant prefill, forced tool choice,
# and thinking: {"type": "disabled"}" return a 400 (platform.claude.com/docs/en/models/
# sonnet-5-5/migration-guide; the Haiku 5.5 guide lists the same). Effort values per the SDK's
# OutputConfigParam (anthropic/types/output_config_param.py): low, medium, high, xhigh, max.
# Default effort: Sonnet high, Haiku and Opus medium (the 5.5 overview pages' comparison table).
ANTHROPIC_ADAPTIVE = re.compile(r"claude-(sonnet|haiku|opus)-5")
ANTHROPIC_EFFORTS = ("low", "medium", "high", "xhigh", "max")
# Thinking spent per effort, a model of the behaviour: at low effort adaptive thinking skips
# thinking on simple requests (platform.claude.com/docs/en/build-with-claude/effort).
ANTHROPIC_EFFORT_THOUGHTS = {"low": 0, "medium": 400, "high": 1000, "xhigh": 2000, "max": 4000}


def anthropic_default_effort(model: str) -> str:
    return "high" if "sonnet" in model else "medium"


def _anthropic_adaptive(body: dict[str, Any], model: str) -> Refusal | None:
    for param in ("temperature", "top_p", "top_k"):
        if body.get(param) is not None:
            return Refusal(
                400,
                f"{param}: sampling parameters are not supported on {model}; "
                "use output_config.effort instead",
            )
    thinking = body.get("thinking")
    kind = thinking.get("type") if isinstance(thinking, dict) else None
    if kind == "disabled":
        return Refusal(
            400,
            f'thinking.type: "disabled" is not supported on {model}; leave `thinking` out '
            "and set output_config.effort",
        )
    if kind == "enabled" or (isinstance(thinking, dict) and "budget_tokens" in thinking):
        return Refusal(
            400,
            f'thinking.type: "enabled" with budget_tokens is not supported on {model}; use '
            'thinking: {"type": "adaptive"} and output_config.effort',
        )
    effort = (body.get("output_config") or {}).get("effort")
    if effort is not None and effort not in ANTHROPIC_EFFORTS:
        return Refusal(
            400,
            f"output_config.effort: Input should be {', '.join(map(repr, ANTHROPIC_EFFORTS))}",
        )
    messages = body.get("messages") or []
    if messages and isinstance(messages[-1], dict) and messages[-1].get("role") == "assistant":
        return Refusal(400, f"messages: assistant message prefill is not supported on {model}")
    return None


def anthropic_thoughts(body: Any, model: str, scripted: int | None = None) -> int:
    """Thinking tokens a 5.x model spends (adaptive thinking, at the asked or default effort);
    0 for an older model, which thinks only when asked to."""
    if not ANTHROPIC_ADAPTIVE.match(model) or not isinstance(body, dict):
        return 0
    if scripted is not None:
        return scripted
    effort = (body.get("output_config") or {}).get("effort") or anthropic_default_effort(model)
    return ANTHROPIC_EFFORT_THOUGHTS[effort]


def _anthropic(body: dict[str, Any], model: str) -> Refusal | None:
    if ANTHROPIC_ADAPTIVE.match(model) and (problem := _anthropic_adaptive(body, model)):
        return problem
    for m, message in enumerate(body.get("messages") or ()):
        content = message.get("content") if isinstance(message, dict) else None
        for c, block in enumerate(content if isinstance(content, list) else ()):
            source = block.get("source") if isinstance(block, dict) else None
            if block.get("type") != "image" or not isinstance(source, dict):
                continue
            where = f"messages.{m}.content.{c}.image.source.base64"
            data = str(source.get("data") or "")
            if len(data) > ANTHROPIC_IMAGE_BASE64_MAX:
                return Refusal(
                    400,
                    f"{where}: image exceeds 5 MB maximum: {len(data)} bytes > "
                    f"{ANTHROPIC_IMAGE_BASE64_MAX} bytes",
                )
            size = _image_size(data)
            if size and max(size) > ANTHROPIC_IMAGE_SIDE_MAX:
                return Refusal(
                    400,
                    f"{where}.data: At least one of the image dimensions exceed max allowed "
                    f"size: {ANTHROPIC_IMAGE_SIDE_MAX} pixels",
                )
    # Structured outputs take objects only with additionalProperties false (the SDK's
    # anthropic/lib/_parse/_transform.py, transform_schema, always sets it).
    output_format = (body.get("output_config") or {}).get("format") or {}
    if output_format.get("type") == "json_schema" and _open_object(output_format.get("schema")):
        return Refusal(
            400,
            "output_config.format.schema: For 'object' type, 'additionalProperties' must be "
            "explicitly set to false",
        )
    return None


def _open_object(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
        return True
    subs = [*(schema.get("properties") or {}).values(), *(schema.get("anyOf") or ())]
    if isinstance(schema.get("items"), dict):
        subs.append(schema["items"])
    return any(_open_object(sub) for sub in subs)


def _image_size(data: str) -> tuple[int, int] | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(base64.b64decode(data))) as image:
            return image.size
    except (binascii.Error, ValueError, OSError):
        return None


# Gemini: the whole request may be at most 20 MB with inline data
# (ai.google.dev/gemini-api/docs/image-understanding, "Passing inline image data").
GEMINI_REQUEST_MAX = 20 * 1024 * 1024


def _gemini(body: dict[str, Any], model: str) -> Refusal | None:
    config = _thinking_config(body)
    thinking = gemini_thinking(model)
    budget, level = _field(config, "thinkingBudget"), _field(config, "thinkingLevel")
    if thinking is None:
        if budget or level:
            return Refusal(400, "Thinking is not supported for this model.")
        return None
    if budget is not None and not thinking.takes_budget:
        return Refusal(400, "Thinking budget is not supported for this model; use thinkingLevel.")
    if budget == 0 and not thinking.can_switch_off:
        return Refusal(400, "Budget 0 is invalid. This model only works in thinking mode.")
    if level is not None and level not in thinking.levels:
        return Refusal(400, f"Thinking level {level} is not supported for this model.")
    return None


# --------------------------------------------------------------------------- thinking spend


def _field(message: dict[str, Any], camel: str) -> Any:
    """A field by its JSON name or its proto name: Google's JSON parsing accepts both
    (protobuf.dev/programming-guides/json), and google-genai 3.x sends thinking_budget."""
    snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), camel)
    return message.get(camel, message.get(snake))


def _thinking_config(body: dict[str, Any]) -> dict[str, Any]:
    config = _field(body, "generationConfig") or {}
    return _field(config, "thinkingConfig") or {}


def openai_reasoning(body: Any, model: str, scripted: int | None = None) -> int:
    """Reasoning tokens a request spends (0 for a classic model)."""
    if openai_efforts(model) is None or not isinstance(body, dict):
        return 0
    if scripted is not None:
        return scripted
    return OPENAI_REASONING_TOKENS[body.get("reasoning_effort") or "medium"]


def gemini_thoughts(body: Any, model: str, scripted: int | None = None) -> int:
    """Thinking tokens a request spends (0 for a model that does not think)."""
    if gemini_thinking(model) is None or not isinstance(body, dict):
        return 0
    if scripted is not None:
        return scripted
    config = _thinking_config(body)
    if level := _field(config, "thinkingLevel"):
        return GEMINI_LEVEL_THOUGHTS[level]
    budget = _field(config, "thinkingBudget")
    if budget is None or budget < 0:  # -1 is "automatic"
        return GEMINI_DYNAMIC_THOUGHTS
    return min(budget, GEMINI_DYNAMIC_THOUGHTS)


def gemini_max_output(body: dict[str, Any]) -> int | None:
    return _field(_field(body, "generationConfig") or {}, "maxOutputTokens")
