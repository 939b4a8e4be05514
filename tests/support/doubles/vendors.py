"""Loopback HTTP doubles of the OpenAI, Anthropic and Gemini APIs.

Tests and benchmarks point the real vendor SDKs at ``VendorDouble.base_url``
and script answers (``Reply``) and faults. Bodies follow the vendors' real
shapes, modelled on recorded exchanges with each vendor.

Like the real APIs they check each request first (``rules.py``: parameters a model refuses,
image limits, strict schemas) and refuse what a vendor would refuse, and thinking models spend
part of the output cap thinking.
"""

from __future__ import annotations

import json
import random
import socket
import string
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import rules

VENDORS = ("openai", "anthropic", "gemini")


@dataclass(frozen=True)
class Seen:
    """One request as the double received it."""

    method: str
    path: str  # URL path without the query string
    headers: dict[str, str]  # lower-case names
    body: Any  # parsed JSON, or the raw bytes when the body is not JSON
    api_key: str | None
    query: dict[str, str] = field(default_factory=dict)
    size: int = 0  # bytes of the request body


@dataclass(frozen=True)
class Reply:
    """A vendor-agnostic answer; each double renders it in its own wire format."""

    # ok | error | invalid_key | rate_limited | insufficient_quota | billing | overloaded |
    # malformed | slow | refused (a request rule in rules.py was broken)
    kind: str
    status: int = 200
    text: str = "OK"
    input_tokens: int = 12
    output_tokens: int = 34
    cached_input_tokens: int = 0
    model: str | None = None
    message: str | None = None
    retry_after: float | None = None
    seconds: float = 0.0
    then: Reply | None = None
    code: str | None = None  # OpenAI's error.code of a refusal
    param: str | None = None  # OpenAI's error.param of a refusal
    # Thinking/reasoning tokens of a thinking model's answer; None: what the request's
    # thinking settings let the model spend (rules.py). Either way they come out of the cap.
    thinking_tokens: int | None = None
    # How an "ok" answer ends: "stop" (a whole answer), "refusal" (the model declines:
    # OpenAI message.refusal, Anthropic stop_reason "refusal", Gemini finishReason SAFETY),
    # "blocked" (a safety filter on the prompt: Gemini promptFeedback.blockReason with no
    # candidate, OpenAI finish_reason "content_filter", Anthropic as a refusal) or "truncated"
    # (the output cap reached with `text` partly written: OpenAI "length", Anthropic
    # "max_tokens", Gemini MAX_TOKENS).
    ending: str = "stop"
    retry_after_ms: float | None = None  # OpenAI's finer hint, read first by its SDK

    @classmethod
    def ok(
        cls,
        text: str = "OK",
        input_tokens: int = 12,
        output_tokens: int = 34,
        cached_input_tokens: int = 0,
        model: str | None = None,
        thinking_tokens: int | None = None,
    ) -> Reply:
        return cls(
            "ok",
            200,
            text,
            input_tokens,
            output_tokens,
            cached_input_tokens,
            model,
            thinking_tokens=thinking_tokens,
        )

    @classmethod
    def refusal(cls, text: str = "I can't help with that request.") -> Reply:
        return cls("ok", text=text, output_tokens=9, ending="refusal")

    @classmethod
    def blocked(cls) -> Reply:
        return cls("ok", text="", output_tokens=0, ending="blocked")

    @classmethod
    def truncated(cls, text: str = '{"title": "Senior Eng', thinking_tokens: int = 0) -> Reply:
        return cls(
            "ok", text=text, output_tokens=40, thinking_tokens=thinking_tokens, ending="truncated"
        )

    @classmethod
    def error(
        cls, status: int, message: str | None = None, retry_after: float | None = None
    ) -> Reply:
        return cls("error", status, message=message, retry_after=retry_after)

    @classmethod
    def invalid_key(cls) -> Reply:
        return cls("invalid_key", 401)  # Gemini renders it as 400, as Google does

    @classmethod
    def rate_limited(cls, retry_after: float | None = 1) -> Reply:
        return cls("rate_limited", 429, retry_after=retry_after)

    @classmethod
    def insufficient_quota(cls) -> Reply:
        return cls("insufficient_quota", 429)

    @classmethod
    def billing(cls) -> Reply:
        return cls("billing", 402)  # Anthropic's billing_error; others render a plain 402

    @classmethod
    def overloaded(cls) -> Reply:
        return cls("overloaded", 503)  # Anthropic renders it as 529

    @classmethod
    def malformed(cls) -> Reply:
        return cls("malformed", 200)

    @classmethod
    def slow(cls, seconds: float, then: Reply | None = None) -> Reply:
        return cls("slow", seconds=seconds, then=then)


ReplySource = Reply | Callable[[Seen], Reply]
Rendered = tuple[int, dict[str, str], bytes]


def _rid(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(random.choices(alphabet, k=n))


def _json(status: int, body: dict[str, Any], headers: dict[str, str]) -> Rendered:
    return status, {"content-type": "application/json", **headers}, json.dumps(body).encode()


def _retry_hdr(r: Reply) -> dict[str, str]:
    headers = {} if r.retry_after is None else {"retry-after": f"{r.retry_after:g}"}
    if r.retry_after_ms is not None:
        headers["retry-after-ms"] = f"{r.retry_after_ms:g}"
    return headers


def _req_model(seen: Seen) -> str | None:
    return seen.body.get("model") if isinstance(seen.body, dict) else None


def _mask(key: str) -> str:
    # OpenAI echoes the first 5 and last 4 characters of a wrong key.
    if len(key) <= 9:
        return key[:2] + "***"
    return key[:5] + "*" * (len(key) - 9) + key[-4:]


# --------------------------------------------------------------------------- OpenAI

_OPENAI_MESSAGES = {
    400: "Invalid request.",
    401: "Incorrect API key provided.",
    403: "You are not allowed to sample from this model",
    404: "The model does not exist or you do not have access to it.",
    500: "The server had an error while processing your request. Sorry about that!",
    503: "The engine is currently overloaded, please try again later",
}


def _openai(r: Reply, seen: Seen) -> Rendered:
    model = r.model or _req_model(seen) or "gpt-4o"
    asked = seen.body if isinstance(seen.body, dict) else {}
    hdrs = {
        "x-request-id": f"req_{_rid(32, '0123456789abcdef')}",
        "openai-version": "2020-10-01",
        "openai-processing-ms": "1",
        **_retry_hdr(r),
    }

    def err(
        status: int, message: str, etype: str, code: str | None, param: str | None = None
    ) -> Rendered:
        body = {"error": {"message": message, "type": etype, "param": param, "code": code}}
        return _json(status, body, hdrs)

    if r.kind == "ok":
        # Reasoning comes first and out of max_completion_tokens, and completion_tokens counts
        # it (CompletionUsage.completion_tokens_details.reasoning_tokens): a cap it uses up
        # leaves an empty answer with finish_reason "length".
        reasoning = rules.openai_reasoning(asked, _req_model(seen) or model, r.thinking_tokens)
        text, output, finish = r.text, r.output_tokens, "stop"
        cap = asked.get("max_completion_tokens") or asked.get("max_tokens")
        if cap and reasoning >= cap:
            reasoning, text, output, finish = cap, "", 0, "length"
        usage = {
            "prompt_tokens": r.input_tokens,
            "completion_tokens": output + reasoning,
            "total_tokens": r.input_tokens + output + reasoning,
            "prompt_tokens_details": {"cached_tokens": r.cached_input_tokens, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": reasoning,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
        refusal = None
        if r.ending == "refusal":  # openai/types/chat/chat_completion_message.py
            text, refusal = None, r.text
        elif r.ending == "blocked":  # chat_completion.py: finish_reason "content_filter"
            text, finish = None, "content_filter"
        elif r.ending == "truncated" and finish == "stop":
            finish = "length"
        message = {"role": "assistant", "content": text, "refusal": refusal, "annotations": []}
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
        return _json(
            200,
            {
                "id": f"chatcmpl-{_rid(29)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [choice],
                "usage": usage,
                "service_tier": "default",
                "system_fingerprint": "fp_b40fb1c6fb",
            },
            hdrs,
        )
    if r.kind == "invalid_key":
        if not seen.api_key:
            return err(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer "
                "YOUR_KEY).",
                "invalid_request_error",
                None,
            )
        return err(
            401,
            f"Incorrect API key provided: {_mask(seen.api_key)}. You can find your API "
            "key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            "invalid_api_key",
        )
    if r.kind == "rate_limited":
        return err(
            429,
            r.message
            or f"Rate limit reached for {model} in organization "
            f"org-{_rid(24)} on requests per min (RPM): Limit 500, Used 500, Requested 1. "
            "Please try again in 120ms. Visit "
            "https://platform.openai.com/account/rate-limits to learn more.",
            "requests",
            "rate_limit_exceeded",
        )
    if r.kind == "insufficient_quota":
        return err(
            429,
            "You exceeded your current quota, please check your plan and billing "
            "details. For more information on this error, read the docs: "
            "https://platform.openai.com/docs/guides/error-codes/api-errors.",
            "insufficient_quota",
            "insufficient_quota",
        )
    if r.kind == "not_found":
        return err(404, f"Invalid URL ({seen.method} {seen.path})", "invalid_request_error", None)
    if r.kind == "refused":
        return err(r.status, r.message or "", "invalid_request_error", r.code, r.param)
    etype = "server_error" if r.status >= 500 else "invalid_request_error"
    return err(r.status, r.message or _OPENAI_MESSAGES.get(r.status, "Error"), etype, None)


# --------------------------------------------------------------------------- Anthropic

_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def anthropic_message(r: Reply, seen: Seen, model: str) -> dict[str, Any]:
    """A whole Messages answer (anthropic/types/message.py). A 5.x model thinks first
    (adaptive thinking), its thinking counted in output_tokens and taken out of max_tokens:
    a cap it uses up leaves a thinking block only, stop_reason "max_tokens"
    (anthropic/types/stop_reason.py). A refusal is stop_reason "refusal" with stop_details
    (anthropic/types/refusal_stop_details.py)."""
    asked = seen.body if isinstance(seen.body, dict) else {}
    thoughts = rules.anthropic_thoughts(asked, _req_model(seen) or model, r.thinking_tokens)
    cap = asked.get("max_tokens") or 0
    text, output, stop = r.text, r.output_tokens, "end_turn"
    if cap and thoughts >= cap:
        thoughts, text, output, stop = cap, "", 0, "max_tokens"
    content: list[dict[str, Any]] = []
    if thoughts:
        content.append({"type": "thinking", "thinking": "…", "signature": _rid(40)})
    stop_details = None
    if r.ending in ("refusal", "blocked"):
        stop = "refusal"
        text = ""
        stop_details = {"type": "refusal", "category": "general_harms", "explanation": None}
    elif r.ending == "truncated":
        stop = "max_tokens"
    if text:
        content.append({"type": "text", "text": text})
    usage = {
        "input_tokens": r.input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": r.cached_input_tokens,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": output + thoughts,
        "service_tier": "standard",
        "inference_geo": "not_available",
    }
    if thoughts:  # anthropic/types/output_tokens_details.py
        usage["output_tokens_details"] = {"thinking_tokens": thoughts}
    return {
        "model": model,
        "id": f"msg_01{_rid(22)}",
        "type": "message",
        "role": "assistant",
        "content": content,
        "stop_reason": stop,
        "stop_details": stop_details,
        "stop_sequence": None,
        "usage": usage,
    }


def _anthropic(r: Reply, seen: Seen) -> Rendered:
    model = r.model or _req_model(seen) or "claude-sonnet-4-5"
    request_id = f"req_011C{_rid(20)}"
    hdrs = {"request-id": request_id, **_retry_hdr(r)}

    def err(status: int, etype: str, message: str) -> Rendered:
        if status == 429:
            hdrs["x-should-retry"] = "true"  # as recorded from api.anthropic.com
        body = {
            "type": "error",
            "error": {"type": etype, "message": message},
            "request_id": request_id,
        }
        return _json(status, body, hdrs)

    if r.kind == "ok":
        return _json(200, anthropic_message(r, seen, model), hdrs)
    if r.kind == "invalid_key":
        return err(
            401,
            "authentication_error",
            "invalid x-api-key" if seen.api_key else "x-api-key header is required",
        )
    if r.kind in ("rate_limited", "insufficient_quota"):
        return err(
            429,
            "rate_limit_error",
            r.message
            or "This request would exceed your organization's rate limit of 50 requests per "
            f"minute (org: {_rid(8)}, model: {model}). For details, refer to: "
            "https://docs.claude.com/en/api/rate-limits.",
        )
    if r.kind == "overloaded":
        return err(529, "overloaded_error", "Overloaded")
    if r.kind == "billing":
        # 402 billing_error has its own SDK class, PaymentRequiredError (anthropic/_exceptions.py).
        return err(
            402,
            "billing_error",
            r.message
            or "Your credit balance is too low to access the Anthropic API. Please go to Plans "
            "& Billing to upgrade or purchase credits.",
        )
    if r.kind == "refused":
        return err(r.status, "invalid_request_error", r.message or "invalid request")
    if r.kind == "not_found":
        return err(404, "not_found_error", "Not Found")
    fallback = "api_error" if r.status >= 500 else "invalid_request_error"
    etype = _ANTHROPIC_TYPES.get(r.status, fallback)
    default = "Internal server error" if r.status >= 500 else etype.replace("_", " ")
    return err(r.status, etype, r.message or default)


# --------------------------------------------------------------------------- Gemini

_GEMINI_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_GEMINI_MESSAGES = {
    400: "Request contains an invalid argument.",
    429: "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    500: "An internal error has occurred. Please retry or report in "
    "https://developers.generativeai.google/guide/troubleshooting",
    503: "The model is overloaded. Please try again later.",
    504: "Deadline expired before operation could complete.",
}
_GEMINI_BAD_KEY = "API key not valid. Please pass a valid API key."


def _gemini_model(seen: Seen) -> str:
    # /v1/models/gemini-2.5-flash:generateContent -> gemini-2.5-flash
    return seen.path.rsplit("/", 1)[-1].split(":", 1)[0]


def _gemini_quota(r: Reply, model: str) -> list[dict[str, Any]]:
    """A 429's google.rpc details: which quota ran out (QuotaFailure) and when to come back
    (RetryInfo). Gemini puts them in the body and sends no Retry-After header
    (googleapis/python-genai#2044; bodies quoted in langgenius/dify#19838)."""
    per = "Day" if r.kind == "insufficient_quota" else "Minute"
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                    "quotaId": f"GenerateRequestsPer{per}PerProjectPerModel-FreeTier",
                    "quotaDimensions": {"location": "global", "model": model},
                }
            ],
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Learn more about Gemini API quotas",
                    "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                }
            ],
        },
    ]
    delay = r.retry_after if r.retry_after is not None else (40 if per == "Day" else None)
    if delay is not None:
        details.append(
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{delay:g}s"}
        )
    return details


_SAFETY_RATINGS = [
    {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": True},
    {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"},
]


def gemini_ending(body: dict[str, Any], ending: str, finish: str) -> None:
    """A refusal, block or truncation on a GenerateContentResponse (google/genai/types.py):
    a candidate stopped by FinishReason SAFETY (with safetyRatings, no text), a prompt blocked
    before any candidate (promptFeedback.blockReason, BlockedReason), or MAX_TOKENS."""
    candidate = body["candidates"][0]
    if ending == "refusal":
        candidate.update(finishReason="SAFETY", safetyRatings=_SAFETY_RATINGS)
        candidate["content"] = {"role": "model"}
        body["usageMetadata"].pop("candidatesTokenCount", None)
    elif ending == "blocked":
        body.pop("candidates")
        body["promptFeedback"] = {"blockReason": "SAFETY", "safetyRatings": _SAFETY_RATINGS}
        body["usageMetadata"].pop("candidatesTokenCount", None)
    elif ending == "truncated" and finish == "STOP":
        candidate["finishReason"] = "MAX_TOKENS"


def _gemini(r: Reply, seen: Seen) -> Rendered:
    hdrs = {"content-type": "application/json; charset=UTF-8"}
    asked = seen.body if isinstance(seen.body, dict) else {}

    def err(status: int, message: str, details: list[dict[str, Any]] | None = None) -> Rendered:
        fallback = "INTERNAL" if status >= 500 else "FAILED_PRECONDITION"
        e: dict[str, Any] = {
            "code": status,
            "message": message,
            "status": _GEMINI_STATUS.get(status, fallback),
        }
        if details:
            e["details"] = details
        return _json(status, {"error": e}, hdrs)

    if r.kind == "ok":
        # Thinking models think first, and the thoughts count against maxOutputTokens
        # (googleapis/python-genai#782): a cap they use up leaves a candidate without text.
        thoughts = rules.gemini_thoughts(asked, _gemini_model(seen), r.thinking_tokens)
        output, finish = r.output_tokens, "STOP"
        cap = rules.gemini_max_output(asked)
        if cap and thoughts >= cap:
            thoughts, output, finish = cap, 0, "MAX_TOKENS"
        usage: dict[str, Any] = {
            "promptTokenCount": r.input_tokens,
            "totalTokenCount": r.input_tokens + output + thoughts,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": r.input_tokens}],
        }
        if output:  # left out, like the text, when thinking used the whole cap
            usage["candidatesTokenCount"] = output
        if thoughts:
            usage["thoughtsTokenCount"] = thoughts
        if r.cached_input_tokens:  # Gemini leaves the field out entirely when nothing was cached
            usage["cachedContentTokenCount"] = r.cached_input_tokens
        model = r.model or _gemini_model(seen)
        content: dict[str, Any] = {"role": "model"}
        if output:
            content["parts"] = [{"text": r.text}]
        candidate: dict[str, Any] = {"content": content, "finishReason": finish, "index": 0}
        body: dict[str, Any] = {
            "candidates": [candidate],
            "usageMetadata": usage,
            "modelVersion": model,
            "responseId": _rid(23),
        }
        gemini_ending(body, r.ending, finish)
        return _json(200, body, hdrs)
    if r.kind == "invalid_key":
        if not seen.api_key:
            return err(
                403,
                "Method doesn't allow unregistered callers (callers without "
                "established identity). Please use API Key or other form of API "
                "consumer identity to call this API.",
            )
        return err(
            400,
            _GEMINI_BAD_KEY,
            [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                },
                {
                    "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                    "locale": "en-US",
                    "message": _GEMINI_BAD_KEY,
                },
            ],
        )
    if r.kind in ("rate_limited", "insufficient_quota"):
        details = _gemini_quota(r, _gemini_model(seen))
        return err(429, r.message or _GEMINI_MESSAGES[429], details)
    if r.kind == "overloaded":
        return err(503, _GEMINI_MESSAGES[503])
    if r.kind == "refused":
        return err(r.status, r.message or _GEMINI_MESSAGES[400])
    if r.kind == "not_found":
        return err(404, f"Method not found: {seen.method} {seen.path}")
    return err(r.status, r.message or _GEMINI_MESSAGES.get(r.status, "Request failed."))


# --------------------------------------------------------------------------- model lists
# Each SDK's models.list() (GET), in the vendor's wire format. The models a double lists are
# its `models` (id -> retirement date or None); a list request consumes no scripted reply.

# What a key sees by default: the catalogue's defaults and an older model of each vendor.
DEFAULT_LISTED: dict[str, dict[str, str | None]] = {
    "openai": {"gpt-6-luna": None, "gpt-6.1-sol": None, "gpt-4o-mini": "2027-01-14"},
    "anthropic": {
        "claude-haiku-5-5": None,
        "claude-sonnet-5-5": None,
        "claude-sonnet-4-5": "2026-11-30",
    },
    "gemini": {"gemini-3.5-flash-lite": None, "gemini-3.8-flash": None, "gemini-2.5-flash": None},
}


def _is_model_list(vendor: str, method: str, path: str) -> bool:
    if method != "GET":
        return False
    # openai and anthropic: GET /v1/models; google-genai 3.x: GET /v1/models (v1beta before).
    parts = path.split("/")
    return len(parts) == 3 and parts[1].startswith("v") and parts[2] == "models"


def _page(ids: list[str], start: int, size: int) -> tuple[list[str], int | None]:
    end = start + max(1, size)
    return ids[start:end], (end if end < len(ids) else None)


def _model_list(vendor: str, models: dict[str, str | None], seen: Seen) -> Rendered:
    ids = list(models)
    if vendor == "openai":
        # openai/types/model.py: id, created, object, owned_by, shutdown_date (openai 3.54).
        data = [
            {
                "id": model,
                "object": "model",
                "created": 1_790_000_000,
                "owned_by": "system",
                "shutdown_date": models[model],
            }
            for model in ids
        ]
        return _json(200, {"object": "list", "data": data}, {})
    if vendor == "anthropic":
        # anthropic/types/model_info.py; cursor pages by after_id/limit (default 20).
        after = seen.query.get("after_id")
        start = ids.index(after) + 1 if after in ids else 0
        chunk, more = _page(ids, start, int(seen.query.get("limit") or 20))
        data = [
            {
                "type": "model",
                "id": model,
                "display_name": model.replace("-", " ").title(),
                "created_at": "2026-09-01T00:00:00Z",
                "lifecycle": "deprecated" if models[model] else "active",
                "deprecated_at": "2026-06-01T00:00:00Z" if models[model] else None,
                "retires_at": f"{models[model]}T00:00:00Z" if models[model] else None,
                "max_input_tokens": 1_000_000,
                "max_tokens": 128_000,
            }
            for model in chunk
        ]
        body = {
            "data": data,
            "has_more": more is not None,
            "first_id": chunk[0] if chunk else None,
            "last_id": chunk[-1] if chunk else None,
        }
        return _json(200, body, {"request-id": f"req_011C{_rid(20)}"})
    # Gemini ListModelsResponse: models[].name "models/{id}", pageSize/pageToken paging.
    start = int(seen.query.get("pageToken") or 0)
    chunk, more = _page(ids, start, int(seen.query.get("pageSize") or 50))
    body: dict[str, Any] = {
        "models": [
            {
                "name": f"models/{model}",
                "version": "001",
                "displayName": model,
                "inputTokenLimit": 1_048_576,
                "outputTokenLimit": 65_536,
                "supportedGenerationMethods": ["generateContent", "countTokens"],
                "thinking": True,
            }
            for model in chunk
        ]
    }
    if more is not None:
        body["nextPageToken"] = str(more)
    return _json(200, body, {"content-type": "application/json; charset=UTF-8"})


# --------------------------------------------------------------------------- routing and keys


def _bearer(headers: dict[str, str]) -> str | None:
    auth = headers.get("authorization", "")
    return auth[7:] if auth[:7].lower() == "bearer " else None


def _route_ok(vendor: str, method: str, path: str) -> bool:
    if method != "POST":
        return False
    if vendor == "openai":
        return path == "/v1/chat/completions"
    if vendor == "anthropic":
        return path == "/v1/messages"
    # google-genai puts its api_version (v1 by default in 3.x, v1beta before) ahead of models/.
    parts = path.split("/")
    return (
        len(parts) == 4
        and parts[1].startswith("v")
        and parts[2] == "models"
        and parts[3].endswith((":generateContent", ":streamGenerateContent"))
    )


def _api_key(vendor: str, headers: dict[str, str], query: dict[str, str]) -> str | None:
    if vendor == "openai":
        return _bearer(headers)
    if vendor == "anthropic":
        # anthropic 2.x sends api_key as "Authorization: Bearer"; older SDKs and curl use x-api-key.
        return headers.get("x-api-key") or _bearer(headers)
    return headers.get("x-goog-api-key") or query.get("key")


_RENDER: dict[str, Callable[[Reply, Seen], Rendered]] = {
    "openai": _openai,
    "anthropic": _anthropic,
    "gemini": _gemini,
}
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    529: "Site Overloaded",
}


# --------------------------------------------------------------------------- server


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # the benchmark opens up to 200 connections at once
    double: VendorDouble

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hang up on slow replies (timeouts) and at pool shutdown: expected, not a failure.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so SDK connection pools reuse sockets
    disable_nagle_algorithm = True  # with one write per response: no Nagle/delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.server.double._track(self.connection, True)

    def finish(self) -> None:
        self.server.double._track(self.connection, False)
        try:
            super().finish()
        except OSError:
            pass

    def _handle(self) -> None:
        double = self.server.double
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        query = dict(parse_qsl(split.query))
        try:
            body: Any = json.loads(raw) if raw else b""
        except ValueError:
            body = raw
        key = _api_key(double.vendor, headers, query)
        seen = Seen(self.command, split.path, headers, body, key, query, len(raw))
        reply = double._next_reply(seen)
        while reply.kind == "slow":
            # Waits on the stop event so stop() needn't outlive a long scripted delay.
            if double._stopping.wait(reply.seconds):
                self.close_connection = True
                return
            reply = reply.then or Reply.ok()
        from . import streams  # streamed answers live apart, in their own module

        if reply.kind in ("ok", "stream") and streams.wants_stream(double.vendor, seen):
            streams.send(self, double.vendor, streams.as_stream(reply), seen)
            return
        if reply.kind == "model_list":
            status, hdrs, payload = _model_list(double.vendor, dict(double.models), seen)
        elif reply.kind == "malformed":
            status, hdrs, payload = 200, {"content-type": "application/json"}, b'{"id": "trunc'
        else:
            status, hdrs, payload = _RENDER[double.vendor](reply, seen)
        head = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}",
            f"content-length: {len(payload)}",
            f"connection: {'close' if self.close_connection else 'keep-alive'}",
            *(f"{k}: {v}" for k, v in hdrs.items()),
        ]
        # One buffer, one write: piecemeal header writes would each become a TCP segment.
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)

    do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = _handle


class VendorDouble:
    """A fake vendor API on 127.0.0.1 that the real SDKs talk to via ``base_url``."""

    def __init__(self, vendor: str) -> None:
        if vendor not in VENDORS:
            raise ValueError(f"unknown vendor {vendor!r}; expected one of {VENDORS}")
        self.vendor = vendor
        self.default: ReplySource = Reply.ok()
        self.expect_key: str | None = None
        self.models: dict[str, str | None] = dict(DEFAULT_LISTED[vendor])
        self._lock = threading.Lock()
        self._script: deque[ReplySource] = deque()
        self._requests: list[Seen] = []
        self._conns: set[socket.socket] = set()
        self._opened = 0  # connections accepted since the last reset
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def start(self) -> VendorDouble:
        if self._server is None:
            self._stopping = threading.Event()
            self._server = _Server(("127.0.0.1", 0), _Handler)
            self._server.double = self
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"{self.vendor}-double",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        # Idle keep-alive connections would otherwise pin handler threads until clients go away.
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> VendorDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("VendorDouble not started")
        origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        # openai appends "chat/completions" to a base that carries /v1; anthropic appends
        # "/v1/messages"; google-genai appends "/{api_version}/models/{model}:generateContent".
        return origin + "/v1" if self.vendor == "openai" else origin

    # -- scripting
    def script(self, *replies: ReplySource) -> None:
        with self._lock:
            self._script.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self._requests.clear()
            self._opened = 0
            self.expect_key = None
            self.default = Reply.ok()
            self.models = dict(DEFAULT_LISTED[self.vendor])

    @property
    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._requests)

    @property
    def connections_opened(self) -> int:
        """Connections the SDKs opened to this double since the last reset."""
        with self._lock:
            return self._opened

    # -- used by the handler
    def _track(self, conn: socket.socket, alive: bool) -> None:
        with self._lock:
            if alive:
                self._conns.add(conn)
                self._opened += 1
            else:
                self._conns.discard(conn)

    def _next_reply(self, seen: Seen) -> Reply:
        with self._lock:
            self._requests.append(seen)
            listing = _is_model_list(self.vendor, seen.method, seen.path)
            if not listing and not _route_ok(self.vendor, seen.method, seen.path):
                return Reply("not_found", 404)
            # A wrong key is rejected before any work, so it doesn't consume a scripted reply.
            if self.expect_key is not None and seen.api_key != self.expect_key:
                return Reply.invalid_key()
            if listing:
                return Reply("model_list")
        # The vendor checks the request before doing anything with it: a broken rule is
        # refused without consuming a scripted reply.
        model = _gemini_model(seen) if self.vendor == "gemini" else _req_model(seen) or ""
        refused = rules.refusal(self.vendor, seen.body, model, seen.size)
        if refused is not None:
            return Reply(
                "refused",
                refused.status,
                message=refused.message,
                code=refused.code,
                param=refused.param,
            )
        with self._lock:
            source = self._script.popleft() if self._script else self.default
        return source(seen) if callable(source) else source
