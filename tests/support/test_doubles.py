"""Drive each vendor double through the real vendor SDK (plain pytest, no Django)."""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from tests.support.doubles import Reply, VendorDouble

VENDORS = ["openai", "anthropic", "gemini"]
KEY = "sk-test-abcdefghijklmnop1234"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PNG_B64 = base64.b64encode(PNG).decode()

AUTH_ERROR = {
    "openai": openai.AuthenticationError,
    "anthropic": anthropic.AuthenticationError,
    "gemini": genai_errors.ClientError,
}
RATE_ERROR = {
    "openai": openai.RateLimitError,
    "anthropic": anthropic.RateLimitError,
    "gemini": genai_errors.ClientError,
}
SERVER_ERROR = {
    "openai": openai.InternalServerError,
    "anthropic": anthropic.InternalServerError,
    "gemini": genai_errors.ServerError,
}
TIMEOUT_ERROR: dict[str, type[BaseException]] = {
    "openai": openai.APITimeoutError,
    "anthropic": anthropic.APITimeoutError,
    # google-genai does not wrap transport errors: the httpx2 exception surfaces as-is.
    "gemini": __import__("httpx2").ReadTimeout,
}


@dataclasses.dataclass
class Result:
    text: str
    input_tokens: int
    output_tokens: int
    cached_tokens: int | None
    model: str
    response_id: str


def call(
    d: VendorDouble,
    *,
    key: str = KEY,
    timeout: float = 10.0,
    image: bool = False,
    model: str | None = None,
) -> Result:
    """One non-streaming generation through the vendor's real SDK, retries off."""
    if d.vendor == "openai":
        content: Any = "hi"
        if image:
            content = [
                {"type": "text", "text": "what is this?"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
            ]
        oc = openai.OpenAI(base_url=d.base_url, api_key=key, max_retries=0, timeout=timeout)
        r = oc.chat.completions.create(
            model=model or "gpt-4o-mini", messages=[{"role": "user", "content": content}]
        )
        assert r.usage is not None and r.usage.prompt_tokens_details is not None
        return Result(
            r.choices[0].message.content or "",
            r.usage.prompt_tokens,
            r.usage.completion_tokens,
            r.usage.prompt_tokens_details.cached_tokens,
            r.model,
            r.id,
        )
    if d.vendor == "anthropic":
        content = "hi"
        if image:
            content = [
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64},
                },
                {"type": "text", "text": "what is this?"},
            ]
        ac = anthropic.Anthropic(base_url=d.base_url, api_key=key, max_retries=0, timeout=timeout)
        m = ac.messages.create(
            model=model or "claude-haiku-4-5",
            max_tokens=64,
            messages=[{"role": "user", "content": content}],
        )
        block = m.content[0]
        assert block.type == "text"
        return Result(
            block.text,
            m.usage.input_tokens,
            m.usage.output_tokens,
            m.usage.cache_read_input_tokens,
            m.model,
            m.id,
        )
    # google-genai: no retries unless HttpOptions.retry_options is set; timeout is in milliseconds.
    gc = genai.Client(
        api_key=key,
        http_options=genai_types.HttpOptions(base_url=d.base_url, timeout=int(timeout * 1000)),
    )
    contents: Any = "hi"
    if image:
        contents = [genai_types.Part.from_bytes(data=PNG, mime_type="image/png"), "what is this?"]
    g = gc.models.generate_content(model=model or "gemini-2.5-flash", contents=contents)
    u = g.usage_metadata
    assert (
        u is not None and u.prompt_token_count is not None and u.candidates_token_count is not None
    )
    return Result(
        g.text or "",
        u.prompt_token_count,
        u.candidates_token_count,
        u.cached_content_token_count,
        g.model_version or "",
        g.response_id or "",
    )


def status_of(exc: BaseException) -> int:
    return exc.code if isinstance(exc, genai_errors.APIError) else exc.status_code  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def doubles() -> Iterator[dict[str, VendorDouble]]:
    started = {v: VendorDouble(v).start() for v in VENDORS}
    yield started
    for d in started.values():
        d.stop()


@pytest.fixture(params=VENDORS)
def d(request: pytest.FixtureRequest, doubles: dict[str, VendorDouble]) -> VendorDouble:
    double = doubles[request.param]
    double.reset()
    return double


def raw_post(
    d: VendorDouble, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    origin = d.base_url.removesuffix("/v1")
    req = urllib.request.Request(
        origin + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


# --------------------------------------------------------------------------- success


def test_base_urls_and_paths(d: VendorDouble) -> None:
    call(d)
    seen = d.requests[-1]
    port = d.base_url.split(":")[2].split("/")[0]
    expected = {
        "openai": (f"http://127.0.0.1:{port}/v1", "/v1/chat/completions"),
        "anthropic": (f"http://127.0.0.1:{port}", "/v1/messages"),
        "gemini": (f"http://127.0.0.1:{port}", "/v1/models/gemini-2.5-flash:generateContent"),
    }
    assert (d.base_url, seen.path) == expected[d.vendor]
    assert seen.method == "POST"
    assert seen.api_key == KEY
    assert isinstance(seen.body, dict)
    assert all(k == k.lower() for k in seen.headers)


def test_ok_reply_text_usage_and_ids(d: VendorDouble) -> None:
    d.script(
        Reply.ok(
            "Bonjour",
            input_tokens=101,
            output_tokens=7,
            cached_input_tokens=64,
            model="pinned-model",
        )
    )
    r = call(d)
    assert (r.text, r.input_tokens, r.output_tokens, r.cached_tokens) == ("Bonjour", 101, 7, 64)
    assert r.model == "pinned-model"
    prefix = {"openai": "chatcmpl-", "anthropic": "msg_01", "gemini": ""}[d.vendor]
    assert r.response_id.startswith(prefix) and len(r.response_id) > 20


def test_ok_reply_defaults_echo_requested_model(d: VendorDouble) -> None:
    r = call(d, model="model-under-test")
    assert (r.text, r.input_tokens, r.output_tokens) == ("OK", 12, 34)
    assert r.model == "model-under-test"


def test_gemini_omits_cached_count_when_zero(doubles: dict[str, VendorDouble]) -> None:
    d = doubles["gemini"]
    d.reset()
    assert (
        call(d).cached_tokens is None
    )  # real Gemini leaves cachedContentTokenCount out; callers must cope


def test_gemini_stream_generate_content(doubles: dict[str, VendorDouble]) -> None:
    d = doubles["gemini"]
    d.reset()
    d.script(Reply.ok("streamed", input_tokens=5, output_tokens=2))
    gc = genai.Client(api_key=KEY, http_options=genai_types.HttpOptions(base_url=d.base_url))
    chunks = list(gc.models.generate_content_stream(model="gemini-2.5-flash", contents="hi"))
    assert "".join(c.text or "" for c in chunks) == "streamed"
    assert d.requests[-1].path.endswith(":streamGenerateContent")
    assert d.requests[-1].query == {"alt": "sse"}


def test_image_reaches_double_in_vendor_format(d: VendorDouble) -> None:
    call(d, image=True)
    body = d.requests[-1].body
    if d.vendor == "openai":
        parts = body["messages"][0]["content"]
        assert {
            "type": "image_url",
            "image_url": {"url": f"data:image/png;base64,{PNG_B64}"},
        } in parts
    elif d.vendor == "anthropic":
        parts = body["messages"][0]["content"]
        assert parts[0] == {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64},
        }
    else:
        parts = body["contents"][0]["parts"]
        inline = parts[0].get("inlineData") or parts[0].get("inline_data")
        assert inline["data"] == PNG_B64
        assert (inline.get("mimeType") or inline.get("mime_type")) == "image/png"


# --------------------------------------------------------------------------- faults


def test_invalid_key(d: VendorDouble) -> None:
    d.script(Reply.invalid_key())
    with pytest.raises(AUTH_ERROR[d.vendor]) as ei:
        call(d)
    exc = ei.value
    if d.vendor == "openai":
        assert isinstance(exc, openai.AuthenticationError)
        assert exc.status_code == 401 and exc.code == "invalid_api_key"
        assert (
            "sk-te" in exc.message and "1234" in exc.message and KEY not in exc.message
        )  # masked echo
    elif d.vendor == "anthropic":
        assert isinstance(exc, anthropic.AuthenticationError)
        assert exc.status_code == 401 and exc.type == "authentication_error"
        assert exc.api_message == "invalid x-api-key"
    else:
        assert isinstance(exc, genai_errors.ClientError)
        assert exc.code == 400 and exc.status == "INVALID_ARGUMENT"
        assert exc.message == "API key not valid. Please pass a valid API key."
        assert exc.details["error"]["details"][0]["reason"] == "API_KEY_INVALID"


def test_rate_limited_exposes_retry_after(d: VendorDouble) -> None:
    d.script(Reply.rate_limited(retry_after=3))
    with pytest.raises(RATE_ERROR[d.vendor]) as ei:
        call(d)
    assert status_of(ei.value) == 429
    assert d.request_count == 1  # no SDK retry happened
    if d.vendor == "gemini":  # Google says it only in the body, as google.rpc details
        assert isinstance(ei.value, genai_errors.ClientError)
        assert "retry-after" not in ei.value.response.headers  # type: ignore[union-attr]
        assert ei.value.status == "RESOURCE_EXHAUSTED"
        details = ei.value.details["error"]["details"]
        assert {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "3s"} in details
        (quota,) = [x for x in details if x["@type"].endswith("QuotaFailure")]
        assert "PerMinute" in quota["violations"][0]["quotaId"]
    else:
        assert ei.value.response.headers["retry-after"] == "3"  # type: ignore[union-attr]
    if d.vendor == "anthropic":
        assert isinstance(ei.value, anthropic.RateLimitError)
        assert ei.value.type == "rate_limit_error"
        assert ei.value.response.headers["x-should-retry"] == "true"


def test_insufficient_quota(d: VendorDouble) -> None:
    d.script(Reply.insufficient_quota())
    with pytest.raises(RATE_ERROR[d.vendor]) as ei:
        call(d)
    assert status_of(ei.value) == 429
    if d.vendor == "openai":
        assert isinstance(ei.value, openai.RateLimitError)
        assert ei.value.code == "insufficient_quota"
        assert ei.value.body["type"] == "insufficient_quota"  # type: ignore[index]
    if d.vendor == "gemini":  # a per-day quota, named in google.rpc.QuotaFailure
        details = ei.value.details["error"]["details"]  # type: ignore[attr-defined]
        (quota,) = [x for x in details if x["@type"].endswith("QuotaFailure")]
        assert quota["violations"][0]["quotaId"].startswith("GenerateRequestsPerDay")


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(d: VendorDouble, status: int) -> None:
    d.script(Reply.error(status))
    with pytest.raises(SERVER_ERROR[d.vendor]) as ei:
        call(d)
    assert status_of(ei.value) == status
    assert d.request_count == 1


def test_overloaded(d: VendorDouble) -> None:
    d.script(Reply.overloaded())
    with pytest.raises(SERVER_ERROR[d.vendor]) as ei:
        call(d)
    if d.vendor == "anthropic":
        assert isinstance(ei.value, anthropic.OverloadedError)
        assert ei.value.status_code == 529 and ei.value.type == "overloaded_error"
    else:
        assert status_of(ei.value) == 503


def test_error_bodies_are_in_vendor_shape(d: VendorDouble) -> None:
    d.script(Reply.error(400, "bad thing", retry_after=2))
    path = {
        "openai": "/v1/chat/completions",
        "anthropic": "/v1/messages",
        "gemini": "/v1beta/models/gemini-2.5-flash:generateContent",
    }[d.vendor]
    status, headers, raw = raw_post(d, path, {"model": "m"})
    body = json.loads(raw)
    assert status == 400
    # Gemini never sends Retry-After (googleapis/python-genai#2044); the others echo it.
    assert headers.get("retry-after") == (None if d.vendor == "gemini" else "2")
    assert headers["content-length"] == str(len(raw))
    if d.vendor == "openai":
        assert body == {
            "error": {
                "message": "bad thing",
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
        }
    elif d.vendor == "anthropic":
        assert body["type"] == "error" and body["request_id"].startswith("req_")
        assert body["error"] == {"type": "invalid_request_error", "message": "bad thing"}
        assert headers["request-id"] == body["request_id"]
    else:
        assert body == {
            "error": {"code": 400, "message": "bad thing", "status": "INVALID_ARGUMENT"}
        }


def test_malformed_json_body(d: VendorDouble) -> None:
    # None of the three SDKs wraps this: json.JSONDecodeError escapes from the 200 response.
    d.script(Reply.malformed())
    with pytest.raises(json.JSONDecodeError):
        call(d)


def test_slow_reply_hits_client_timeout(d: VendorDouble) -> None:
    d.script(Reply.slow(1.5))
    with pytest.raises(TIMEOUT_ERROR[d.vendor]):
        call(d, timeout=0.3)


def test_slow_reply_does_not_block_other_connections(d: VendorDouble) -> None:
    d.script(Reply.slow(1.0, then=Reply.ok("late")))
    out: list[str] = []
    t = threading.Thread(target=lambda: out.append(call(d).text))
    t.start()
    while d.request_count == 0:
        t.join(0.005)
    assert call(d).text == "OK"  # served from another connection while the first still sleeps
    assert t.is_alive()
    t.join()
    assert out == ["late"]


def test_unknown_route_is_404_in_vendor_shape_and_recorded(d: VendorDouble) -> None:
    status, _, raw = raw_post(
        d, "/v1/embeddings", {"input": "x"}, {"authorization": f"Bearer {KEY}"}
    )
    body = json.loads(raw)
    assert status == 404
    if d.vendor == "openai":
        assert body["error"]["message"] == "Invalid URL (POST /v1/embeddings)"
    elif d.vendor == "anthropic":
        assert body["error"]["type"] == "not_found_error"
    else:
        assert body["error"]["status"] == "NOT_FOUND"
    assert [s.path for s in d.requests] == ["/v1/embeddings"]


# --------------------------------------------------------------------------- scripting


def test_script_is_fifo_then_default(d: VendorDouble) -> None:
    d.script(Reply.ok("first"), Reply.error(500), Reply.ok("third"))
    d.default = Reply.ok("fallback")
    assert call(d).text == "first"
    with pytest.raises(SERVER_ERROR[d.vendor]):
        call(d)
    assert [call(d).text for _ in range(3)] == ["third", "fallback", "fallback"]
    assert d.request_count == 5


def test_callable_default_sees_request(d: VendorDouble) -> None:
    d.default = lambda seen: Reply.ok(f"key={seen.api_key} path={seen.path}")
    assert call(d).text == f"key={KEY} path={d.requests[-1].path}"


def test_expect_key(d: VendorDouble) -> None:
    d.expect_key = "sk-good-0000000000"
    d.script(Reply.ok("scripted"))
    with pytest.raises(AUTH_ERROR[d.vendor]):
        call(d, key="sk-bad-99999999999")
    assert (
        call(d, key="sk-good-0000000000").text == "scripted"
    )  # the rejected call did not consume it
    assert [s.api_key for s in d.requests] == ["sk-bad-99999999999", "sk-good-0000000000"]


def test_reset(d: VendorDouble) -> None:
    d.script(Reply.ok("pending"))
    d.default = Reply.error(500)
    d.expect_key = "other"
    with pytest.raises(AUTH_ERROR[d.vendor]):
        call(d)
    d.reset()
    assert d.request_count == 0 and d.requests == [] and d.expect_key is None
    assert call(d).text == "OK"


def test_gemini_key_from_query_param(doubles: dict[str, VendorDouble]) -> None:
    d = doubles["gemini"]
    d.reset()
    status, _, _ = raw_post(
        d, "/v1beta/models/gemini-2.5-flash:generateContent?key=AIza-q", {"contents": []}
    )
    assert status == 200 and d.requests[-1].api_key == "AIza-q"


def test_anthropic_key_from_x_api_key_header(doubles: dict[str, VendorDouble]) -> None:
    # anthropic 2.x sends "Authorization: Bearer"; curl and older SDKs send x-api-key.
    d = doubles["anthropic"]
    d.reset()
    d.expect_key = "sk-ant-header"
    status, _, _ = raw_post(d, "/v1/messages", {"model": "m"}, {"x-api-key": "sk-ant-header"})
    assert status == 200 and d.requests[-1].api_key == "sk-ant-header"


def test_reply_is_immutable_and_reusable() -> None:
    r = Reply.ok("same")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.text = "changed"  # type: ignore[misc]
    with VendorDouble("openai") as d:
        d.script(r, r)
        assert [call(d).text, call(d).text] == ["same", "same"]
    with pytest.raises(RuntimeError):
        _ = d.base_url  # stopped
