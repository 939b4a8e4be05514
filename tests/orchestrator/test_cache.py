"""The exact-match result cache: a hit is free, takes no quota, and is logged with its savings."""

import io
from pathlib import Path

import pytest
from PIL import Image

from core.errors import ProviderFailed
from jobs.prompts import extraction_prompt
from orchestrator.models import UsageLog
from orchestrator.services import generate
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db

POSTING = Path(__file__).resolve().parents[1] / "data" / "jobs" / "plain_posting.txt"


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def provider(make_provider, openai_double):
    make_provider(openai_double)
    openai_double.default = Reply.ok(
        "answer", input_tokens=1000, output_tokens=200, thinking_tokens=0
    )
    return openai_double


def test_a_second_identical_call_is_served_from_cache(provider, user):
    first = generate(user=user, task="cv_draft", prompt="Draft my CV", temperature=0.3)
    second = generate(user=user, task="cv_draft", prompt="Draft   my CV\n", temperature=0.3)

    assert provider.request_count == 1
    assert second.cached and not first.cached
    assert (second.text, second.provider, second.model) == (first.text, "openai", first.model)
    assert second.cost_usd == 0 and first.cost_usd > 0
    hit = UsageLog.objects.get(cache_hit=True)
    assert hit.status == "success" and hit.saved_cost_usd == first.cost_usd
    assert hit.total_tokens == 0 and hit.cost_usd == 0


def test_a_hit_takes_no_quota(provider, user):
    from tests.support.quota import quota_counters

    generate(user=user, task="cv_draft", prompt="Draft my CV")
    used = quota_counters(user_id=user.pk)["day"].tokens_used
    generate(user=user, task="cv_draft", prompt="Draft my CV")

    assert quota_counters(user_id=user.pk)["day"].tokens_used == used == 1200


@pytest.mark.parametrize(
    "change",
    [
        {"image": png("red")},
        {"temperature": 0.9},
        {"max_tokens": 99},
        {"system_prompt": "other"},
        {"prompt": "Draft my letter"},
        {"task": "cover_letter"},
    ],
)
def test_a_different_image_prompt_or_parameter_is_a_miss(provider, user, change):
    base = {"task": "cv_draft", "prompt": "Draft my CV", "image": png("blue")}
    generate(user=user, **base)
    generate(user=user, **{**base, **change})

    assert provider.request_count == 2 and not UsageLog.objects.filter(cache_hit=True).exists()


def test_use_cache_false_bypasses_and_refreshes(provider, user):
    generate(user=user, task="cv_draft", prompt="p")
    provider.default = Reply.ok("fresh")
    assert generate(user=user, task="cv_draft", prompt="p", use_cache=False).text == "fresh"
    assert generate(user=user, task="cv_draft", prompt="p").text == "fresh"
    assert provider.request_count == 2


def test_drafts_are_per_user_but_extractions_are_shared(provider, user, other_user):
    generate(user=user, task="cv_draft", prompt="same prompt")
    generate(user=other_user, task="cv_draft", prompt="same prompt")
    assert provider.request_count == 2

    generate(user=user, task="extraction", prompt="the same posting")
    assert generate(user=other_user, task="extraction", prompt="the same posting").cached
    assert provider.request_count == 3


def test_failures_are_not_cached(provider, user, settings):
    settings.OFFLINE_PROVIDER_ENABLED = False
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    provider.script(Reply.error(503))
    with pytest.raises(ProviderFailed):
        generate(user=user, task="cv_draft", prompt="p")

    assert not generate(user=user, task="cv_draft", prompt="p").cached


def test_a_hit_whose_provider_was_deleted_since_is_still_served_and_logged(
    make_provider, openai_double, user
):
    config = make_provider(openai_double)
    generate(user=user, task="extraction", prompt="the posting")
    config.delete()
    make_provider(openai_double, name="OpenAI again")  # same type and model: same cache key

    hit = generate(user=user, task="extraction", prompt="the posting")

    assert hit.cached and hit.provider_config_id is None
    row = UsageLog.objects.get(cache_hit=True)
    assert row.provider_config_id is None and row.provider_type == "openai"


@pytest.mark.parametrize("fallback", ["anthropic", "offline"])
def test_a_fallback_answer_is_never_served_in_the_primarys_name(
    make_provider, openai_double, anthropic_double, user, settings, fallback
):
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    make_provider(openai_double, is_default=True)
    if fallback == "anthropic":
        make_provider(anthropic_double)
        anthropic_double.default = Reply.ok("from claude")
    openai_double.default = Reply.error(503)  # the primary is down
    posting = extraction_prompt(POSTING.read_text())

    during = generate(user=user, task="extraction", prompt=posting)
    assert during.provider == fallback and not during.cached

    openai_double.default = Reply.ok("from openai")  # the primary is back
    after = generate(user=user, task="extraction", prompt=posting)

    assert (after.provider, after.text, after.cached) == ("openai", "from openai", False)
    assert openai_double.request_count == 2  # the failed attempt, then this one
    # From now on the primary's own answer is the cached one.
    again = generate(user=user, task="extraction", prompt=posting)
    assert (again.provider, again.text, again.cached) == ("openai", "from openai", True)
    assert openai_double.request_count == 2


def test_an_answer_repaired_by_the_primary_is_cached_for_the_original_request(provider, user):
    schema = {"type": "object", "required": ["title"]}
    provider.script(Reply.ok("prose"), Reply.ok('{"title": "Engineer"}'))

    first = generate(user=user, task="extraction", prompt="the posting", response_schema=schema)
    second = generate(user=user, task="extraction", prompt="the posting", response_schema=schema)

    assert first.data == second.data == {"title": "Engineer"} and second.cached
    assert provider.request_count == 2
