"""Streamed answers of the vendor doubles, in each vendor's wire format.

A request that asks for a stream (OpenAI and Anthropic ``"stream": true`` in the body, Gemini
``:streamGenerateContent?alt=sse``) and is scripted to succeed gets server-sent events, sent
as they are "written" (HTTP/1.1 chunked, one chunk per event). The recorded exchanges hold no
streams, so the shapes follow the installed SDKs' own types and parsers:

- OpenAI: ``data: {chat.completion.chunk}`` lines, a first chunk with the assistant role, one
  per piece, a last one with ``finish_reason`` then, when ``stream_options.include_usage``
  was asked for, one with no choices and the usage, then ``data: [DONE]``
  (openai/types/chat/chat_completion_chunk.py; openai/_streaming.py stops at [DONE] and
  raises a ``data: {"error": ...}`` event as APIError).
- Anthropic: ``event: message_start`` (input usage), ``content_block_start``, one
  ``content_block_delta`` per piece, ``content_block_stop``, ``message_delta`` (stop reason
  and output usage), ``message_stop`` (anthropic/types/raw_message_stream_event.py); an
  ``event: error`` is raised by anthropic/_streaming.py.
- Gemini: ``data: {GenerateContentResponse}`` per piece, each with the usageMetadata so far
  (google/genai/_api_client.py reads ``data:`` lines; a ``{"error": ...}`` chunk is raised
  as APIError).

``StreamReply`` scripts one: the pieces, the usage, the pause between pieces, and a failure
after the n-th piece: the vendor's in-stream error event (``"error"``) or a connection cut
without the end of the body (``"cut"``). Thinking models spend their thinking tokens as in a
whole answer (``rules.py``): counted as output, and a cap they use up leaves no text (OpenAI
``finish_reason: "length"``, Gemini ``MAX_TOKENS``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from . import rules
from .vendors import Reply, Seen, _rid, gemini_ending


@dataclass(frozen=True)
class StreamReply:
    pieces: tuple[str, ...]
    input_tokens: int = 12
    output_tokens: int = 34
    cached_input_tokens: int = 0
    pause: float = 0.0  # seconds between pieces
    fail_after: int | None = None  # pieces sent before the failure
    failure: str = "error"  # "error": the vendor's error event; "cut": the connection drops
    kind: str = "stream"
    # Thinking tokens; None: what the request's thinking settings let the model spend.
    thinking_tokens: int | None = None
    ending: str = "stop"  # as Reply.ending: "stop", "refusal", "blocked" or "truncated"
    first_after: float = 0.0  # seconds before the first piece: a model thinking first

    @classmethod
    def of(cls, text: str, size: int = 40, **fields: Any) -> StreamReply:
        """`text` in pieces of `size` characters, as a vendor sends a few tokens at a time."""
        pieces = tuple(text[i : i + size] for i in range(0, len(text), size)) or ("",)
        return cls(pieces, **fields)


def wants_stream(vendor: str, seen: Seen) -> bool:
    if vendor == "gemini":
        return seen.path.endswith(":streamGenerateContent")
    return isinstance(seen.body, dict) and seen.body.get("stream") is True


def as_stream(reply: Reply | StreamReply) -> StreamReply:
    if isinstance(reply, StreamReply):
        return reply
    return StreamReply(
        (reply.text,),
        reply.input_tokens,
        reply.output_tokens,
        reply.cached_input_tokens,
        thinking_tokens=reply.thinking_tokens,
        ending=reply.ending,
    )


def send(handler: Any, vendor: str, reply: StreamReply, seen: Seen) -> None:
    """Write the whole stream on the handler's connection, pausing between pieces."""
    events = _EVENTS[vendor](reply, seen)
    head = (
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
        "transfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n"
    ).encode("latin-1")
    stopping = handler.server.double._stopping
    waited = False
    try:
        for is_piece, event in events:
            if is_piece and not waited and reply.first_after:
                waited = True
                if stopping.wait(reply.first_after):
                    handler.close_connection = True
                    return
            if event == _CUT:  # no terminating chunk: the body is cut short
                if head:
                    handler.wfile.write(head)
                handler.close_connection = True
                return
            data = event.encode()
            handler.wfile.write(head + f"{len(data):x}\r\n".encode() + data + b"\r\n")
            head = b""  # the head goes out with the first event, in one write
            if is_piece and reply.pause and stopping.wait(reply.pause):
                handler.close_connection = True
                return
        handler.wfile.write(b"0\r\n\r\n")
    except OSError:  # the client hung up mid-stream, as it may
        handler.close_connection = True


_CUT = ""  # a marker event: stop here and drop the connection


def _pieces_then_failure(reply: StreamReply, piece_event, error_event) -> list[tuple[bool, str]]:
    events = []
    for number, piece in enumerate(reply.pieces):
        if reply.fail_after is not None and number == reply.fail_after:
            events.append((False, _CUT if reply.failure == "cut" else error_event()))
            return events
        events.append((True, piece_event(piece)))
    return events


def _sse(data: Any, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n"


def _openai(reply: StreamReply, seen: Seen) -> list[tuple[bool, str]]:
    model = seen.body.get("model") or "gpt-4o"
    # Reasoning first, out of max_completion_tokens, counted in completion_tokens: a cap it
    # uses up leaves no content and finish_reason "length" (as in vendors._openai).
    reasoning = rules.openai_reasoning(seen.body, model, reply.thinking_tokens)
    output, finish = reply.output_tokens, "stop"
    cap = seen.body.get("max_completion_tokens") or seen.body.get("max_tokens")
    if cap and reasoning >= cap:
        reasoning, output, finish = cap, 0, "length"
        reply = StreamReply((), reply.input_tokens, 0, reply.cached_input_tokens)
    base = {
        "id": f"chatcmpl-{_rid(29)}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "service_tier": "default",
        "system_fingerprint": "fp_b40fb1c6fb",
    }

    def chunk(delta: dict, finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return _sse({**base, "choices": [choice], "usage": None, **extra})

    error = {
        "error": {
            "message": "The server had an error while processing your request.",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    }
    events = [(False, chunk({"role": "assistant", "content": "", "refusal": None}))]
    # A refusal streams as delta.refusal (chat_completion_chunk.py ChoiceDelta.refusal).
    field = "refusal" if reply.ending == "refusal" else "content"
    if reply.ending == "blocked":
        reply, finish = (
            StreamReply((), reply.input_tokens, 0, reply.cached_input_tokens),
            ("content_filter"),
        )
    elif reply.ending == "truncated" and finish == "stop":
        finish = "length"
    body = _pieces_then_failure(reply, lambda p: chunk({field: p}), lambda: _sse(error))
    events += body
    if reply.fail_after is not None and reply.fail_after < len(reply.pieces):
        return events
    events.append((False, chunk({}, finish)))
    if (seen.body.get("stream_options") or {}).get("include_usage"):
        usage = {
            "prompt_tokens": reply.input_tokens,
            "completion_tokens": output + reasoning,
            "total_tokens": reply.input_tokens + output + reasoning,
            "prompt_tokens_details": {"cached_tokens": reply.cached_input_tokens},
            "completion_tokens_details": {"reasoning_tokens": reasoning},
        }
        events.append((False, _sse({**base, "choices": [], "usage": usage})))
    events.append((False, "data: [DONE]\n\n"))
    return events


def _anthropic(reply: StreamReply, seen: Seen) -> list[tuple[bool, str]]:
    """message_start carries the input usage and a token or two of output; the output count
    arrives only in the last message_delta, so a stream cut before it reports none of what
    was written. A 5.x model streams its thinking first (thinking_delta), counted as output and
    out of max_tokens, as in vendors.anthropic_message."""
    model = seen.body.get("model") or "claude-sonnet-4-5"
    thoughts = rules.anthropic_thoughts(seen.body, model, reply.thinking_tokens)
    cap = seen.body.get("max_tokens") or 0
    stop = {"refusal": "refusal", "blocked": "refusal", "truncated": "max_tokens"}.get(
        reply.ending, "end_turn"
    )
    if cap and thoughts >= cap:
        thoughts, stop = cap, "max_tokens"
        reply = StreamReply((), reply.input_tokens, 0, reply.cached_input_tokens)
    if reply.ending in ("refusal", "blocked"):  # declined before writing anything
        reply = StreamReply((), reply.input_tokens, reply.output_tokens, reply.cached_input_tokens)
    message = {
        "id": f"msg_01{_rid(22)}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": reply.input_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": reply.cached_input_tokens,
            "output_tokens": 2,
            "service_tier": "standard",
        },
    }

    def block_start(index: int, block: dict[str, Any]) -> tuple[bool, str]:
        event = {"type": "content_block_start", "index": index, "content_block": block}
        return False, _sse(event, "content_block_start")

    def delta(index: int, body: dict[str, Any]) -> str:
        return _sse(
            {"type": "content_block_delta", "index": index, "delta": body}, "content_block_delta"
        )

    events = [(False, _sse({"type": "message_start", "message": message}, "message_start"))]
    index = 0
    if thoughts:
        events += [
            block_start(0, {"type": "thinking", "thinking": "", "signature": ""}),
            (False, delta(0, {"type": "thinking_delta", "thinking": "Let me think. " * 4})),
            (False, delta(0, {"type": "signature_delta", "signature": _rid(40)})),
            (False, _sse({"type": "content_block_stop", "index": 0}, "content_block_stop")),
        ]
        index = 1
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    if reply.pieces:
        events.append(block_start(index, {"type": "text", "text": ""}))
    events += _pieces_then_failure(
        reply,
        lambda p: delta(index, {"type": "text_delta", "text": p}),
        lambda: _sse(error, "error"),
    )
    if reply.fail_after is not None and reply.fail_after < len(reply.pieces):
        return events
    if reply.pieces:
        events.append(
            (False, _sse({"type": "content_block_stop", "index": index}, "content_block_stop"))
        )
    delta_body: dict[str, Any] = {"stop_reason": stop, "stop_sequence": None}
    if stop == "refusal":
        delta_body["stop_details"] = {
            "type": "refusal",
            "category": "general_harms",
            "explanation": None,
        }
    events += [
        (
            False,
            _sse(
                {
                    "type": "message_delta",
                    "delta": delta_body,
                    "usage": {"output_tokens": reply.output_tokens + thoughts}
                    | (
                        {"output_tokens_details": {"thinking_tokens": thoughts}} if thoughts else {}
                    ),
                },
                "message_delta",
            ),
        ),
        (False, _sse({"type": "message_stop"}, "message_stop")),
    ]
    return events


def _gemini(reply: StreamReply, seen: Seen) -> list[tuple[bool, str]]:
    model = seen.path.rsplit("/", 1)[-1].split(":", 1)[0]
    response_id = _rid(23)
    # Thoughts come first and count against maxOutputTokens (as in vendors._gemini): a cap
    # they use up ends the stream with one chunk without text, finish reason MAX_TOKENS.
    thoughts = rules.gemini_thoughts(seen.body, model, reply.thinking_tokens)
    cap = rules.gemini_max_output(seen.body) if isinstance(seen.body, dict) else None
    if cap and thoughts >= cap:
        usage = {
            "promptTokenCount": reply.input_tokens,
            "thoughtsTokenCount": cap,
            "totalTokenCount": reply.input_tokens + cap,
        }
        body = {
            "candidates": [{"content": {"role": "model"}, "finishReason": "MAX_TOKENS"}],
            "usageMetadata": usage,
            "modelVersion": model,
            "responseId": response_id,
        }
        return [(False, f"data: {json.dumps(body)}\r\n\r\n")]
    if reply.ending in ("refusal", "blocked"):
        body = {
            "candidates": [{"content": {"role": "model"}, "finishReason": "STOP", "index": 0}],
            "usageMetadata": {
                "promptTokenCount": reply.input_tokens,
                "totalTokenCount": reply.input_tokens,
            },
            "modelVersion": model,
            "responseId": response_id,
        }
        gemini_ending(body, reply.ending, "STOP")
        return [(False, f"data: {json.dumps(body)}\r\n\r\n")]
    count = len(reply.pieces)

    def chunk(number: int, piece: str) -> str:
        last = number == count - 1
        # usageMetadata so far: the output grows with each chunk, the last one is the total.
        written = reply.output_tokens if last else reply.output_tokens * (number + 1) // count
        usage: dict[str, Any] = {
            "promptTokenCount": reply.input_tokens,
            "candidatesTokenCount": written,
            "totalTokenCount": reply.input_tokens + written + thoughts,
        }
        if thoughts:  # all spent before the first piece of text
            usage["thoughtsTokenCount"] = thoughts
        if reply.cached_input_tokens:
            usage["cachedContentTokenCount"] = reply.cached_input_tokens
        candidate: dict[str, Any] = {"content": {"parts": [{"text": piece}], "role": "model"}}
        if last:
            candidate["finishReason"] = "MAX_TOKENS" if reply.ending == "truncated" else "STOP"
        body = {
            "candidates": [candidate],
            "usageMetadata": usage,
            "modelVersion": model,
            "responseId": response_id,
        }
        return f"data: {json.dumps(body)}\r\n\r\n"

    error = {
        "error": {"code": 500, "message": "An internal error has occurred.", "status": "INTERNAL"}
    }
    numbered = iter(range(count))
    return _pieces_then_failure(
        reply,
        lambda p: chunk(next(numbered), p),
        lambda: f"data: {json.dumps(error)}\r\n\r\n",
    )


_EVENTS = {"openai": _openai, "anthropic": _anthropic, "gemini": _gemini}
