"""The doubles' streamed answers on the wire, as each vendor's SDK reads them (plain pytest,
no Django): the events, their order, the usage, and the scripted failures."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.support.doubles import StreamReply, VendorDouble

BODY = {"model": "m", "stream": True, "stream_options": {"include_usage": True}}
# Anthropic refuses a field its API does not have (stream_options is OpenAI's).
BODIES = {"anthropic": {"model": "m", "stream": True, "max_tokens": 64}}
PATH = {
    "openai": "/chat/completions",
    "anthropic": "/v1/messages",
    "gemini": "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
}


@pytest.fixture(scope="module")
def doubles():
    started = {v: VendorDouble(v).start() for v in PATH}
    yield started
    for double in started.values():
        double.stop()


def events(double: VendorDouble, reply: StreamReply) -> list[tuple[str | None, str]]:
    double.reset()
    double.default = reply
    body = BODIES.get(double.vendor, BODY)
    with httpx.stream("POST", double.base_url + PATH[double.vendor], json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        text = "".join(response.iter_text())
    parsed = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if block.strip():
            lines = dict(line.split(": ", 1) for line in block.split("\n"))
            parsed.append((lines.get("event"), lines["data"]))
    return parsed


def test_openai_sends_chunks_then_the_usage_then_done(doubles):
    sent = events(doubles["openai"], StreamReply(("Hel", "lo"), input_tokens=7, output_tokens=2))

    chunks = [json.loads(data) for _, data in sent[:-1]]
    assert sent[-1] == (None, "[DONE]")
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert [c["choices"][0]["delta"].get("content") for c in chunks[1:3]] == ["Hel", "lo"]
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["prompt_tokens"] == 7


def test_anthropic_sends_the_message_events_in_order(doubles):
    sent = events(doubles["anthropic"], StreamReply(("Hel", "lo"), input_tokens=7, output_tokens=2))

    assert [name for name, _ in sent] == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert json.loads(sent[0][1])["message"]["usage"]["input_tokens"] == 7
    assert json.loads(sent[-2][1])["usage"]["output_tokens"] == 2


def test_gemini_sends_chunks_with_the_usage_so_far(doubles):
    sent = events(doubles["gemini"], StreamReply(("Hel", "lo"), input_tokens=7, output_tokens=2))

    chunks = [json.loads(data) for _, data in sent]
    assert [c["candidates"][0]["content"]["parts"][0]["text"] for c in chunks] == ["Hel", "lo"]
    assert [c["usageMetadata"]["candidatesTokenCount"] for c in chunks] == [1, 2]
    assert chunks[-1]["candidates"][0]["finishReason"] == "STOP"


@pytest.mark.parametrize("vendor", list(PATH))
def test_a_scripted_error_event_ends_the_stream(doubles, vendor):
    sent = events(doubles[vendor], StreamReply(("a", "b", "c"), fail_after=1))

    assert "error" in sent[-1][1]
    assert not any('"b"' in data for _, data in sent)


@pytest.mark.parametrize("vendor", list(PATH))
def test_a_scripted_cut_drops_the_connection_mid_body(doubles, vendor):
    with pytest.raises(httpx.RemoteProtocolError):
        events(doubles[vendor], StreamReply(("a", "b", "c"), fail_after=2, failure="cut"))
