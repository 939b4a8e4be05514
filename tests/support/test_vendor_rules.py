"""The doubles refuse what the real vendors refuse, through each vendor's real SDK."""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterator

import anthropic
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types
from PIL import Image

from tests.support.doubles import Reply, VendorDouble

KEY = "sk-test-abcdefghijklmnop1234"


@pytest.fixture(scope="module")
def doubles() -> Iterator[dict[str, VendorDouble]]:
    started = {v: VendorDouble(v).start() for v in ("openai", "anthropic", "gemini")}
    yield started
    for d in started.values():
        d.stop()


@pytest.fixture
def oai(doubles) -> openai.OpenAI:
    doubles["openai"].reset()
    return openai.OpenAI(base_url=doubles["openai"].base_url, api_key=KEY, max_retries=0)


@pytest.fixture
def claude(doubles) -> anthropic.Anthropic:
    doubles["anthropic"].reset()
    return anthropic.Anthropic(base_url=doubles["anthropic"].base_url, api_key=KEY, max_retries=0)


@pytest.fixture
def gem(doubles) -> genai.Client:
    doubles["gemini"].reset()
    options = genai_types.HttpOptions(base_url=doubles["gemini"].base_url)
    return genai.Client(api_key=KEY, http_options=options)


HI = [{"role": "user", "content": "hi"}]


# --------------------------------------------------------------------------- OpenAI


@pytest.mark.parametrize("model", ["gpt-5-mini", "gpt-5.2", "o3", "o4-mini-2025-04-16"])
def test_reasoning_models_refuse_temperature(oai, model):
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model=model, messages=HI, temperature=0.2)

    assert caught.value.status_code == 400
    assert caught.value.code == "unsupported_parameter"
    assert caught.value.param == "temperature"
    assert "Unsupported parameter: 'temperature'" in caught.value.message


@pytest.mark.parametrize("model", ["gpt-4o-mini", "gpt-4.1", "gpt-5-chat-latest"])
def test_classic_models_take_temperature_but_not_reasoning_effort(oai, model):
    assert oai.chat.completions.create(model=model, messages=HI, temperature=0.2).choices
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model=model, messages=HI, reasoning_effort="low")
    assert caught.value.param == "reasoning_effort"


@pytest.mark.parametrize(("model", "effort"), [("o3", "minimal"), ("gpt-5-mini", "none")])
def test_each_reasoning_family_takes_only_its_efforts(oai, model, effort):
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model=model, messages=HI, reasoning_effort=effort)
    assert caught.value.code == "unsupported_value"


def test_reasoning_models_refuse_max_tokens(oai):
    with pytest.raises(openai.BadRequestError, match="max_completion_tokens"):
        oai.chat.completions.create(model="gpt-5-mini", messages=HI, max_tokens=100)


def test_reasoning_eats_a_small_cap_and_leaves_no_answer(oai):
    starved = oai.chat.completions.create(model="gpt-5-mini", messages=HI, max_completion_tokens=16)
    assert starved.choices[0].message.content == ""
    assert starved.choices[0].finish_reason == "length"
    assert starved.usage.completion_tokens == 16
    assert starved.usage.completion_tokens_details.reasoning_tokens == 16

    fed = oai.chat.completions.create(
        model="gpt-5-mini", messages=HI, max_completion_tokens=16, reasoning_effort="minimal"
    )
    assert fed.choices[0].message.content == "OK"


def test_reasoning_tokens_are_part_of_completion_tokens(oai, doubles):
    doubles["openai"].script(Reply.ok("hi", output_tokens=40, thinking_tokens=200))
    answer = oai.chat.completions.create(model="o3", messages=HI)
    assert answer.usage.completion_tokens == 240
    assert answer.usage.completion_tokens_details.reasoning_tokens == 200


def strict_format(schema: dict) -> dict:
    return {
        "type": "json_schema",
        "json_schema": {"name": "result", "schema": schema, "strict": True},
    }


def test_a_strict_schema_with_an_optional_property_is_refused(oai):
    schema = {
        "type": "object",
        "properties": {"title": {"type": "string"}, "salary": {"type": "string"}},
        "required": ["title"],
        "additionalProperties": False,
    }
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(
            model="gpt-4o-mini", messages=HI, response_format=strict_format(schema)
        )
    assert "Missing 'salary'" in caught.value.message
    assert caught.value.code == "invalid_json_schema"


def test_a_strict_schema_with_an_open_object_is_refused(oai):
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    with pytest.raises(openai.BadRequestError, match="additionalProperties"):
        oai.chat.completions.create(
            model="gpt-4o-mini", messages=HI, response_format=strict_format(schema)
        )


def test_a_strict_schema_with_nullable_optionals_is_accepted(oai):
    schema = {
        "type": "object",
        "properties": {"title": {"type": "string"}, "salary": {"type": ["string", "null"]}},
        "required": ["title", "salary"],
        "additionalProperties": False,
    }
    answer = oai.chat.completions.create(
        model="gpt-4o-mini", messages=HI, response_format=strict_format(schema)
    )
    assert answer.choices[0].message.content == "OK"


# --------------------------------------------------------------------------- Anthropic


def png_b64(width: int, height: int, noise: bool = False) -> str:
    image = (
        Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
        if noise
        else Image.new("RGB", (width, height), "white")
    )
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return base64.b64encode(out.getvalue()).decode()


def image_message(data: str) -> list[dict]:
    source = {"type": "base64", "media_type": "image/png", "data": data}
    return [{"role": "user", "content": [{"type": "image", "source": source}]}]


def test_anthropic_refuses_an_image_over_8000_pixels_a_side(claude):
    with pytest.raises(anthropic.BadRequestError, match="8000 pixels"):
        claude.messages.create(
            model="claude-haiku-4-5", max_tokens=64, messages=image_message(png_b64(400, 8001))
        )
    answer = claude.messages.create(
        model="claude-haiku-4-5", max_tokens=64, messages=image_message(png_b64(400, 8000))
    )
    assert answer.content[0].text == "OK"


def test_anthropic_refuses_an_image_over_5_mb_of_base64(claude):
    data = png_b64(1400, 1000, noise=True)  # ~4.2 MB of PNG, ~5.6 MB as base64
    assert len(data) > 5 * 1024 * 1024
    with pytest.raises(anthropic.BadRequestError, match="image exceeds 5 MB maximum"):
        claude.messages.create(
            model="claude-haiku-4-5", max_tokens=64, messages=image_message(data)
        )


def test_anthropic_billing_error_is_its_own_exception(claude, doubles):
    doubles["anthropic"].script(Reply.billing())
    with pytest.raises(anthropic.PaymentRequiredError) as caught:
        claude.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=HI)
    assert caught.value.status_code == 402
    assert caught.value.body["error"]["type"] == "billing_error"


def test_anthropic_structured_output_needs_closed_objects(claude):
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    with pytest.raises(anthropic.BadRequestError, match="additionalProperties"):
        claude.messages.create(
            model="claude-haiku-4-5",
            max_tokens=64,
            messages=HI,
            output_config={"format": {"type": "json_schema", "schema": schema}},
        )


# --------------------------------------------------------------------------- Gemini


def gemini_config(**kwargs) -> genai_types.GenerateContentConfig:
    return genai_types.GenerateContentConfig(**kwargs)


def test_gemini_thinking_uses_up_a_small_cap_and_leaves_no_text(gem):
    answer = gem.models.generate_content(
        model="gemini-2.5-flash", contents="hi", config=gemini_config(max_output_tokens=16)
    )
    assert answer.text is None
    assert answer.candidates[0].finish_reason == genai_types.FinishReason.MAX_TOKENS
    assert answer.usage_metadata.thoughts_token_count == 16


def test_gemini_without_thinking_answers_within_a_small_cap(gem):
    config = gemini_config(
        max_output_tokens=16, thinking_config=genai_types.ThinkingConfig(thinking_budget=0)
    )
    answer = gem.models.generate_content(model="gemini-2.5-flash", contents="hi", config=config)
    assert answer.text == "OK"
    assert not answer.usage_metadata.thoughts_token_count


def test_gemini_reports_thoughts_apart_from_the_answer(gem, doubles):
    doubles["gemini"].script(Reply.ok("hi", output_tokens=40, thinking_tokens=300))
    answer = gem.models.generate_content(model="gemini-3.8-flash", contents="hi")
    assert answer.usage_metadata.candidates_token_count == 40
    assert answer.usage_metadata.thoughts_token_count == 300


@pytest.mark.parametrize(
    ("model", "thinking", "words"),
    [
        ("gemini-2.5-pro", {"thinking_budget": 0}, "only works in thinking mode"),
        ("gemini-3.8-flash", {"thinking_budget": 512}, "budget is not supported"),
        ("gemini-3-pro-preview", {"thinking_level": "MINIMAL"}, "MINIMAL is not supported"),
        ("gemini-2.0-flash", {"thinking_budget": 512}, "not supported for this model"),
    ],
)
def test_gemini_refuses_thinking_settings_a_model_does_not_take(gem, model, thinking, words):
    config = gemini_config(thinking_config=genai_types.ThinkingConfig(**thinking))
    with pytest.raises(genai_errors.ClientError) as caught:
        gem.models.generate_content(model=model, contents="hi", config=config)
    assert caught.value.code == 400 and words in caught.value.message


def test_gemini_refuses_a_request_over_20_mb(gem):
    blob = genai_types.Part.from_bytes(data=os.urandom(16 * 1024 * 1024), mime_type="image/png")
    with pytest.raises(genai_errors.ClientError, match="payload size exceeds"):
        gem.models.generate_content(model="gemini-2.5-flash", contents=[blob, "hi"])


# --------------------------------------------------------------------------- effort per model
# Which model takes which effort (rules.py cites each source): the doubles refuse with the
# vendor's own error body what the real API refuses, and take what it takes.


@pytest.mark.parametrize(
    ("model", "effort"),
    [("gpt-6.1-sol", "none"), ("gpt-6.1-sol", "minimal"), ("gpt-6-luna", "minimal")],
)
def test_openai_refuses_an_effort_the_model_does_not_take_naming_the_parameter(oai, model, effort):
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model=model, messages=HI, reasoning_effort=effort)
    assert caught.value.status_code == 400
    assert caught.value.code == "unsupported_value"
    assert caught.value.param == "reasoning_effort"
    assert caught.value.body["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("model", "effort"),
    [("gpt-6-luna", "max"), ("gpt-6-luna", "none"), ("gpt-6.1-sol", "max"), ("gpt-6.1-sol", "low")],
)
def test_openai_takes_the_efforts_the_gpt6_models_document(oai, model, effort):
    answer = oai.chat.completions.create(model=model, messages=HI, reasoning_effort=effort)
    assert answer.choices[0].message.content == "OK"


@pytest.mark.parametrize(
    ("model", "level", "taken"),
    [
        ("gemini-3.8-flash", "MINIMAL", False),
        ("gemini-3.8-flash", "LOW", True),
        ("gemini-3.7-flash", "MINIMAL", False),
        ("gemini-3.5-flash-lite", "MINIMAL", True),
        ("gemini-3.1-pro-preview", "MEDIUM", True),
        ("gemini-3-pro-preview", "MEDIUM", False),
    ],
)
def test_gemini_takes_only_the_thinking_levels_each_model_documents(gem, model, level, taken):
    config = gemini_config(thinking_config=genai_types.ThinkingConfig(thinking_level=level))
    if taken:
        assert gem.models.generate_content(model=model, contents="hi", config=config).text == "OK"
        return
    with pytest.raises(genai_errors.ClientError) as caught:
        gem.models.generate_content(model=model, contents="hi", config=config)
    assert caught.value.code == 400 and caught.value.status == "INVALID_ARGUMENT"
    assert f"Thinking level {level} is not supported" in caught.value.message


def test_gemini_refuses_a_thinking_budget_from_gemini_3_5_on(gem):
    config = gemini_config(thinking_config=genai_types.ThinkingConfig(thinking_budget=256))
    for model in ("gemini-3.5-flash-lite", "gemini-3.8-flash"):
        with pytest.raises(genai_errors.ClientError, match="budget is not supported"):
            gem.models.generate_content(model=model, contents="hi", config=config)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"thinking": {"type": "disabled"}}, 'thinking.type: "disabled"'),
        ({"thinking": {"type": "enabled", "budget_tokens": 1024}}, "budget_tokens"),
        ({"extra_body": {"temperature": 0.2}}, "temperature: sampling parameters"),
        ({"extra_body": {"top_p": 0.9}}, "top_p: sampling parameters"),
        ({"output_config": {"effort": "extreme"}}, "output_config.effort"),
    ],
)
@pytest.mark.parametrize("model", ["claude-sonnet-5-5", "claude-haiku-5-5"])
def test_anthropic_5_5_refuses_thinking_switches_budgets_and_sampling(claude, model, extra, words):
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(model=model, max_tokens=2048, messages=HI, **extra)
    assert caught.value.body["error"]["type"] == "invalid_request_error"
    assert words in caught.value.body["error"]["message"]


def test_anthropic_5_5_thinks_adaptively_and_counts_it_as_output(claude, doubles):
    doubles["anthropic"].script(Reply.ok("hi", output_tokens=40, thinking_tokens=300))
    answer = claude.messages.create(
        model="claude-sonnet-5-5", max_tokens=2048, messages=HI, output_config={"effort": "low"}
    )
    assert [block.type for block in answer.content] == ["thinking", "text"]
    assert answer.usage.output_tokens == 340

    starved = claude.messages.create(model="claude-sonnet-5-5", max_tokens=16, messages=HI)
    assert starved.stop_reason == "max_tokens"
    assert [block.type for block in starved.content] == ["thinking"]


# --------------------------------------------------------------------------- refusals, blocks,
# truncation: each vendor's own shape, whole and streamed, read by the real SDK.


def test_openai_refusal_shapes(oai, doubles):
    doubles["openai"].script(Reply.refusal("I can't help with that."), Reply.blocked())
    refused = oai.chat.completions.create(model="gpt-6-luna", messages=HI)
    assert refused.choices[0].message.refusal == "I can't help with that."
    assert refused.choices[0].message.content is None
    filtered = oai.chat.completions.create(model="gpt-6-luna", messages=HI)
    assert filtered.choices[0].finish_reason == "content_filter"

    doubles["openai"].script(Reply.refusal("No."))
    stream = oai.chat.completions.create(model="gpt-6-luna", messages=HI, stream=True)
    deltas = [c.choices[0].delta for c in stream if c.choices]
    assert "".join(d.refusal or "" for d in deltas) == "No."
    assert not "".join(d.content or "" for d in deltas)


def test_openai_truncation_shape(oai, doubles):
    doubles["openai"].script(Reply.truncated('{"title": "Sen'))
    cut = oai.chat.completions.create(model="gpt-6-luna", messages=HI)
    assert cut.choices[0].finish_reason == "length"
    assert cut.choices[0].message.content == '{"title": "Sen'


def test_anthropic_refusal_and_truncation_shapes(claude, doubles):
    doubles["anthropic"].script(Reply.refusal(), Reply.truncated("Dear hiring"))
    refused = claude.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=HI)
    assert refused.stop_reason == "refusal"
    assert refused.stop_details.category == "general_harms"
    cut = claude.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=HI)
    assert (cut.stop_reason, cut.content[0].text) == ("max_tokens", "Dear hiring")

    doubles["anthropic"].script(Reply.refusal())
    with claude.messages.stream(model="claude-haiku-4-5", max_tokens=64, messages=HI) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "refusal"


def test_gemini_safety_block_and_truncation_shapes(gem, doubles):
    doubles["gemini"].script(Reply.refusal(), Reply.blocked(), Reply.truncated("Dear"))
    stopped = gem.models.generate_content(model="gemini-3.8-flash", contents="hi")
    assert stopped.candidates[0].finish_reason == genai_types.FinishReason.SAFETY
    assert stopped.candidates[0].safety_ratings[0].blocked is True
    assert stopped.text is None
    blocked = gem.models.generate_content(model="gemini-3.8-flash", contents="hi")
    assert not blocked.candidates
    assert blocked.prompt_feedback.block_reason == genai_types.BlockedReason.SAFETY
    cut = gem.models.generate_content(model="gemini-3.8-flash", contents="hi")
    assert cut.candidates[0].finish_reason == genai_types.FinishReason.MAX_TOKENS

    doubles["gemini"].script(Reply.blocked())
    chunks = list(gem.models.generate_content_stream(model="gemini-3.8-flash", contents="hi"))
    assert chunks[-1].prompt_feedback.block_reason == genai_types.BlockedReason.SAFETY


def test_openai_retry_hint_in_milliseconds(oai, doubles):
    doubles["openai"].script(Reply("rate_limited", 429, retry_after_ms=250))
    with pytest.raises(openai.RateLimitError) as caught:
        oai.chat.completions.create(model="gpt-6-luna", messages=HI)
    assert caught.value.response.headers["retry-after-ms"] == "250"
