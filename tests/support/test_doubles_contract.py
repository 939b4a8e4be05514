"""Each double against the installed SDK's own request and response types: what a double
accepts is what the SDK can send, and what it answers is what the SDK's types describe, field
for field (no field the SDK does not know, no value outside its literals and enums). A double
that drifted from its vendor's SDK would let our adapters pass tests the real API fails."""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from typing import Any

import httpx
import pydantic
import pytest
from anthropic.types import Message, RawMessageStreamEvent, StopReason
from anthropic.types.output_config_param import OutputConfigParam
from anthropic.types.thinking_config_param import ThinkingConfigParam
from google.genai import types as genai_types
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.chat.completion_create_params import CompletionCreateParamsBase
from openai.types.shared.reasoning_effort import ReasoningEffort

from tests.support.doubles import Reply, StreamReply, VendorDouble, rules

SHAPES = {
    "ok": Reply.ok("Hello"),
    "refusal": Reply.refusal(),
    "blocked": Reply.blocked(),
    "truncated": Reply.truncated(),
    "thinking": Reply.ok("Hi", thinking_tokens=300),
}


@pytest.fixture(scope="module")
def doubles() -> Iterator[dict[str, VendorDouble]]:
    started = {v: VendorDouble(v).start() for v in ("openai", "anthropic", "gemini")}
    yield started
    for double in started.values():
        double.stop()


def literals(alias: Any) -> set[str]:
    """The string values of a Literal, through Optional/Union wrappers."""
    found: set[str] = set()
    for arg in typing.get_args(alias) or ():
        if isinstance(arg, str):
            found.add(arg)
        else:
            found |= literals(arg)
    return found


def unknown_fields(obj: Any, path: str = "") -> list[str]:
    """Fields of a parsed answer that the SDK's model does not declare (openai and anthropic
    models keep them as extras instead of refusing them)."""
    if isinstance(obj, pydantic.BaseModel):
        found = [f"{path}.{name}" for name in (obj.model_extra or {})]
        for name in type(obj).model_fields:
            found += unknown_fields(getattr(obj, name), f"{path}.{name}")
        return found
    if isinstance(obj, list):
        return [f for i, item in enumerate(obj) for f in unknown_fields(item, f"{path}[{i}]")]
    return []


def post(double: VendorDouble, path: str, body: dict[str, Any], reply: Any) -> httpx.Response:
    double.reset()
    double.script(reply)
    headers = {"authorization": "Bearer k", "x-goog-api-key": "k"}
    return httpx.post(double.base_url + path, json=body, headers=headers, timeout=30)


def sse_data(response: httpx.Response) -> list[dict[str, Any]]:
    blocks = response.text.replace("\r\n", "\n").split("\n\n")
    lines = [line for block in blocks for line in block.split("\n") if line.startswith("data: ")]
    return [json.loads(line[6:]) for line in lines if line != "data: [DONE]"]


# --------------------------------------------------------------------------- OpenAI


def test_openai_efforts_the_double_takes_are_the_sdk_s_reasoning_efforts():
    sdk = literals(ReasoningEffort)
    taken = set().union(*(e for _, e in rules.OPENAI_REASONING if e is not None))
    assert taken == sdk  # none the SDK cannot send, and every one it can send is modelled


def test_openai_fields_the_double_takes_are_the_sdk_s_request_fields(doubles):
    assert rules.request_fields("openai")[""] == set(CompletionCreateParamsBase.__annotations__) | {
        "stream"
    }
    body = {"model": "gpt-6-luna", "messages": [{"role": "user", "content": "hi"}], "foo": 1}
    refused = post(doubles["openai"], "/chat/completions", body, Reply.ok())
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "foo"


@pytest.mark.parametrize("shape", SHAPES)
def test_openai_answers_are_chat_completions_field_for_field(doubles, shape):
    body = {"model": "gpt-6-luna", "messages": [{"role": "user", "content": "hi"}]}
    answer = post(doubles["openai"], "/chat/completions", body, SHAPES[shape])

    parsed = ChatCompletion.model_validate(answer.json())
    assert unknown_fields(parsed) == []

    streamed = post(
        doubles["openai"],
        "/chat/completions",
        {**body, "stream": True, "stream_options": {"include_usage": True}},
        SHAPES[shape],
    )
    for chunk in sse_data(streamed):
        assert unknown_fields(ChatCompletionChunk.model_validate(chunk)) == []


# --------------------------------------------------------------------------- Anthropic


def test_anthropic_efforts_and_thinking_types_are_the_sdk_s():
    effort = typing.get_type_hints(OutputConfigParam)["effort"]
    assert set(rules.ANTHROPIC_EFFORTS) == literals(effort)
    kinds = {
        kind
        for member in typing.get_args(ThinkingConfigParam)
        for kind in literals(typing.get_type_hints(member, include_extras=True)["type"])
    }
    assert {"disabled", "enabled", "adaptive"} <= kinds  # what the 5.x rules speak of


@pytest.mark.parametrize("model", ["claude-haiku-4-5", "claude-sonnet-5-5"])
@pytest.mark.parametrize("shape", SHAPES)
def test_anthropic_answers_are_messages_field_for_field(doubles, shape, model):
    body = {"model": model, "max_tokens": 2048, "messages": [{"role": "user", "content": "hi"}]}
    answer = post(doubles["anthropic"], "/v1/messages", body, SHAPES[shape])

    parsed = Message.model_validate(answer.json())
    assert unknown_fields(parsed) == []
    assert parsed.stop_reason in literals(StopReason)

    streamed = post(doubles["anthropic"], "/v1/messages", {**body, "stream": True}, SHAPES[shape])
    adapter = pydantic.TypeAdapter(RawMessageStreamEvent)
    for event in sse_data(streamed):
        assert unknown_fields(adapter.validate_python(event)) == []


def test_anthropic_refuses_a_field_its_api_does_not_have(doubles):
    body = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [], "stream_options": {}}
    refused = post(doubles["anthropic"], "/v1/messages", body, Reply.ok())
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "stream_options: Extra inputs are not permitted"


# --------------------------------------------------------------------------- Gemini


def test_gemini_levels_the_double_takes_are_the_sdk_s_thinking_levels():
    sdk = {level.value for level in genai_types.ThinkingLevel}
    taken = set().union(*(t.levels for _, t in rules.GEMINI_THINKING if t is not None))
    assert taken <= sdk and taken


@pytest.mark.parametrize("shape", SHAPES)
def test_gemini_answers_are_generate_content_responses_field_for_field(doubles, shape):
    path = "/v1/models/gemini-3.8-flash:generateContent"
    answer = post(
        doubles["gemini"], path, {"contents": [{"parts": [{"text": "hi"}]}]}, SHAPES[shape]
    )

    # google-genai's models forbid unknown fields outright (extra="forbid", _common.py).
    parsed = genai_types.GenerateContentResponse.model_validate(answer.json())
    if parsed.candidates:
        assert parsed.candidates[0].finish_reason in set(genai_types.FinishReason)

    stream_path = "/v1/models/gemini-3.8-flash:streamGenerateContent?alt=sse"
    streamed = post(doubles["gemini"], stream_path, {"contents": []}, SHAPES[shape])
    for chunk in sse_data(streamed):
        genai_types.GenerateContentResponse.model_validate(chunk)


def test_gemini_refuses_a_generation_config_field_the_sdk_does_not_have(doubles):
    body = {"contents": [], "generationConfig": {"thinkingConfig": {"thinkingEffort": "LOW"}}}
    refused = post(
        doubles["gemini"], "/v1/models/gemini-3.8-flash:generateContent", body, Reply.ok()
    )
    assert refused.status_code == 400
    assert 'Unknown name "thinkingEffort"' in refused.json()["error"]["message"]


def test_a_streamed_reply_keeps_its_shape(doubles):
    """StreamReply carries the same endings as Reply (a refusal streams as a refusal)."""
    body = {"model": "gpt-6-luna", "messages": [], "stream": True}
    streamed = post(
        doubles["openai"], "/chat/completions", body, StreamReply(("No.",), ending="refusal")
    )
    deltas = [c["choices"][0]["delta"] for c in sse_data(streamed) if c["choices"]]
    assert "".join(d.get("refusal") or "" for d in deltas) == "No."
