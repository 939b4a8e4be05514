"""The streaming door asks each vendor exactly what generate() asks, and reads a thinking
model's answer by the same rules, against doubles that enforce the vendors' rules."""

from __future__ import annotations

import pytest
from django.conf import settings

from billing.services import subscription_set_plan
from core import errors
from orchestrator.models import UsageLog
from orchestrator.services import generate
from orchestrator.streaming import generate_stream
from tests.support.doubles import Reply
from tests.support.quota import quota_counters

pytestmark = pytest.mark.django_db

SCHEMA = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "note": {"type": "string"}},
    "required": ["title"],
}
# OpenAI's and Anthropic's strict schemas make every field required and nullable: the vendor
# writes the optional one as null, and the caller must get it back left out, as generate()
# hands it back. Gemini's schema keeps optional fields optional.
ANSWERS = {
    "openai": '{"title": "Engineer", "note": null}',
    "anthropic": '{"title": "Engineer", "note": null}',
    "gemini": '{"title": "Engineer"}',
}
STREAM_ONLY = {"stream", "stream_options"}


def _body(seen) -> dict:
    return {k: v for k, v in seen.body.items() if k not in STREAM_ONLY}


@pytest.mark.parametrize("vendor", ["openai", "anthropic", "gemini"])
@pytest.mark.parametrize("task", ["extraction", "cover_letter"])  # fast and quality tier
def test_a_stream_sends_the_same_request_as_generate(request, make_provider, user, vendor, task):
    double = request.getfixturevalue(f"{vendor}_double")
    make_provider(double)
    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")
    double.default = Reply.ok(ANSWERS[vendor], thinking_tokens=0)
    ask = dict(
        user=user,
        task=task,
        prompt="Extract this job",
        system_prompt="You extract jobs.",
        temperature=0.2,
        max_tokens=900,
        response_schema=SCHEMA,
        use_cache=False,
    )

    whole = generate(**ask)
    stream = generate_stream(**ask)
    streamed = "".join(stream)

    asked_whole, asked_stream = double.requests[-2:]
    assert _body(asked_stream) == _body(asked_whole)
    if vendor == "gemini":
        assert asked_stream.path.endswith(":streamGenerateContent")
    else:
        assert asked_stream.body["stream"] is True
    assert stream.result is not None
    assert stream.result.text == whole.text == '{"title": "Engineer"}'
    assert streamed == ANSWERS[vendor]  # the pieces are what the vendor wrote
    assert stream.result.data == whole.data == {"title": "Engineer"}
    rows = list(UsageLog.objects.order_by("id"))
    assert [(r.status, r.tier, r.model) for r in rows] == [
        ("success", rows[0].tier, whole.model)
    ] * 2


@pytest.mark.parametrize(("vendor", "model"), [("openai", "o3"), ("gemini", "gemini-3.8-flash")])
def test_a_streamed_answer_lost_to_thinking_is_retried_once_with_twice_the_cap_and_billed(
    request, make_provider, user, vendor, model
):
    double = request.getfixturevalue(f"{vendor}_double")
    make_provider(double, fast_model=model)
    # Thinking that eats the whole cap, and more than twice it: no answer either time.
    double.default = Reply.ok("never seen", thinking_tokens=10 * settings.AI_DEFAULT_MAX_TOKENS)

    with pytest.raises(errors.OutputTruncated) as caught:
        generate_stream(user=user, task="extraction", prompt="Say hello", provider_type=vendor)

    assert caught.value.code == "OUTPUT_TRUNCATED"
    rows = list(UsageLog.objects.order_by("id"))  # the answer and one with a bigger cap
    assert [r.error_code for r in rows] == ["OUTPUT_TRUNCATED"] * 2
    assert all("with no answer written" in r.error_message for r in rows)
    assert all("thinking" in r.error_message for r in rows)
    # The vendor bills the thinking all the same: the rows and the quota count it.
    assert rows[0].output_tokens >= settings.AI_DEFAULT_MAX_TOKENS
    assert rows[1].output_tokens >= 2 * settings.AI_DEFAULT_MAX_TOKENS
    spent = sum(r.input_tokens + r.output_tokens for r in rows)
    assert quota_counters(user_id=user.pk)["day"].tokens_used == spent


@pytest.mark.parametrize("vendor", ["openai", "gemini"])
def test_streamed_thinking_tokens_are_billed_as_output(request, make_provider, user, vendor):
    double = request.getfixturevalue(f"{vendor}_double")
    model = {"openai": "o3", "gemini": "gemini-3.8-flash"}[vendor]
    make_provider(double, fast_model=model)
    double.script(Reply.ok("Hi", input_tokens=100, output_tokens=50, thinking_tokens=400))

    stream = generate_stream(user=user, task="extraction", prompt="Say hello")
    assert "".join(stream) == "Hi"

    row = UsageLog.objects.get()
    assert (stream.result.output_tokens, row.output_tokens) == (450, 450)
    assert row.total_tokens == 550
