"""The routing policy: plan × task → tier → the serving provider's model."""

import pytest

from billing.models import Plan
from billing.services import subscription_set_plan
from orchestrator.models import RoutingRule
from orchestrator.registry import tier_for
from orchestrator.services import generate
from tests.fixtures.vendors import MODELS
from tests.support.doubles import Reply

EXPECTED = {  # the tiers the tasks register by default
    ("FREEMIUM", "extraction"): "gemini-3.5-flash-lite",
    ("FREEMIUM", "cv_draft"): "gemini-3.5-flash-lite",
    ("FREEMIUM", "cover_letter"): "gemini-3.5-flash-lite",
    ("PAYGO", "extraction"): "gemini-3.5-flash-lite",
    ("PAYGO", "cv_draft"): "gemini-3.8-flash",
    ("PAYGO", "cover_letter"): "gemini-3.8-flash",
    ("PRO_MONTHLY", "extraction"): "gemini-3.5-flash-lite",
    ("PRO_MONTHLY", "cv_draft"): "gemini-3.8-flash",
    ("PRO_MONTHLY", "cover_letter"): "gemini-3.8-flash",
    ("PRO_ANNUAL", "extraction"): "gemini-3.5-flash-lite",
    ("PRO_ANNUAL", "cv_draft"): "gemini-3.8-flash",
    ("PRO_ANNUAL", "cover_letter"): "gemini-3.8-flash",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("plan", "task"), list(EXPECTED))
def test_every_cell_of_the_default_policy_picks_the_expected_model(
    gemini_double, make_provider, user, plan, task
):
    make_provider(gemini_double)
    subscription_set_plan(user=user, plan_code=plan)

    result = generate(user=user, task=task, prompt="hi")

    assert result.model == EXPECTED[(plan, task)]
    assert gemini_double.requests[0].path.endswith(f"/models/{result.model}:generateContent")


@pytest.mark.django_db
def test_editing_a_rule_changes_the_model_without_code_changes(gemini_double, make_provider, user):
    make_provider(gemini_double)
    rule = RoutingRule.objects.get(plan__code="FREEMIUM", task="cv_draft")
    assert generate(user=user, task="cv_draft", prompt="hi").model == "gemini-3.5-flash-lite"

    rule.tier = "quality"
    rule.save()

    assert generate(user=user, task="cv_draft", prompt="hi").model == "gemini-3.8-flash"


@pytest.mark.django_db
def test_tier_is_kept_when_another_provider_serves(openai_double, make_provider, user):
    make_provider(openai_double)
    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")
    openai_double.script(Reply.ok("x"))

    assert generate(user=user, task="cover_letter", prompt="hi").model == "gpt-6.1-sol"


@pytest.mark.django_db
def test_a_user_without_subscription_is_freemium(user):
    from orchestrator.snapshot import plan_for_user

    assert plan_for_user(user=user) == Plan.objects.get(code="FREEMIUM")


@pytest.mark.django_db
@pytest.mark.parametrize("cached_for", [0, 300])  # without Redis; with it (PLAN_CACHE_SECONDS)
def test_a_plan_change_applies_to_the_next_call(
    openai_double, make_provider, user, settings, cached_for
):
    settings.PLAN_CACHE_SECONDS = cached_for
    fast, quality = MODELS["openai"]
    make_provider(openai_double)
    openai_double.default = Reply.ok("x")
    assert generate(user=user, task="cover_letter", prompt="hi").model == fast

    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")

    assert generate(user=user, task="cover_letter", prompt="hi").model == quality


def test_policy_is_a_pure_function_with_fast_as_the_default():
    rules = {("PRO_ANNUAL", "cv_draft"): "quality"}
    assert tier_for("PRO_ANNUAL", "cv_draft", rules) == "quality"
    assert tier_for("PRO_ANNUAL", "extraction", rules) == "fast"
    assert tier_for("UNKNOWN", "cv_draft", rules) == "fast"
    # the screenshot relevance check follows the extraction tier
    assert tier_for("X", "image_check", {("X", "extraction"): "quality"}) == "quality"
