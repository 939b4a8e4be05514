"""Money: exact Decimal dollars, priced by genai-prices unless an admin price row overrides it;
an unpriced model is flagged and charged at the ceiling price, never a silent $0."""

from datetime import UTC, datetime
from decimal import Decimal

import genai_prices
import pytest

from billing.models import Plan, QuotaCounter
from orchestrator import pricing
from orchestrator.catalogue import DEFAULT_MODELS
from orchestrator.models import ModelPrice, UsageLog
from orchestrator.services import generate
from tests.support.doubles import Reply


def rates(inp: str, out: str, cached: str = "0") -> pricing.Rates:
    return pricing.Rates(pricing.ADMIN, Decimal(inp), Decimal(out), Decimal(cached))


def test_known_tokens_and_price_give_the_exact_decimal():
    # 1234 * 0.30/1M + 567 * 2.50/1M = 0.0003702 + 0.0014175
    assert rates("0.30", "2.50").cost(
        input_tokens=1234, output_tokens=567, cached_input_tokens=0
    ) == Decimal("0.00178770")


def test_cached_input_is_priced_at_its_own_rate():
    # 1000 uncached * 1.25 + 3000 cached * 0.31 + 100 * 10.00, per million
    assert rates("1.25", "10.00", "0.31").cost(
        input_tokens=4000, output_tokens=100, cached_input_tokens=3000
    ) == Decimal("0.00318000")


def test_a_tiny_call_is_not_rounded_to_zero():
    assert rates("0.075", "0.30").cost(
        input_tokens=10, output_tokens=5, cached_input_tokens=0
    ) == Decimal("0.00000225")


@pytest.mark.parametrize(
    ("provider_type", "provider_id"),
    [("openai", "openai"), ("anthropic", "anthropic"), ("gemini", "google")],
)
@pytest.mark.parametrize("input_tokens", [5_000, 400_000])  # below and above every price tier
def test_every_default_model_costs_what_genai_prices_calculates(
    provider_type, provider_id, input_tokens
):
    for model in DEFAULT_MODELS[provider_type]:
        ours = pricing.library_rates(provider_type, model, datetime.now(UTC).date())
        assert ours is not None and ours.source == pricing.LIBRARY, model
        usage = genai_prices.Usage(
            input_tokens=input_tokens, cache_read_tokens=1_000, output_tokens=2_000
        )
        theirs = genai_prices.calc_price(usage, model, provider_id=provider_id).total_price
        cost = ours.cost(input_tokens=input_tokens, output_tokens=2_000, cached_input_tokens=1_000)
        assert cost == theirs.quantize(Decimal("0.00000001")) and cost > 0, model


def test_the_ceiling_is_the_dearest_default_rate_and_is_not_free():
    today = datetime.now(UTC).date()
    ceiling = pricing.ceiling_rates(today)
    defaults = [
        pricing.library_rates(kind, model, today)
        for kind, models in DEFAULT_MODELS.items()
        for model in models
    ]
    assert ceiling.source == pricing.UNPRICED
    assert ceiling.output >= max(pricing.base_rate(r.output) for r in defaults) > 0
    assert ceiling.input >= max(pricing.base_rate(r.input) for r in defaults) > 0


@pytest.mark.django_db
def test_a_call_is_priced_by_genai_prices_and_says_so(openai_double, make_provider, user):
    make_provider(openai_double)  # fast model gpt-6-luna: in genai-prices, no admin row
    openai_double.script(Reply.ok("x", input_tokens=10_000, output_tokens=1_000, thinking_tokens=0))

    result = generate(user=user, task="extraction", prompt="hi")

    expected = genai_prices.calc_price(
        genai_prices.Usage(input_tokens=10_000, output_tokens=1_000),
        "gpt-6-luna",
        provider_id="openai",
    ).total_price
    assert result.cost_usd == expected > 0
    row = UsageLog.objects.get(pk=result.usage_log_id)
    assert (row.price_source, row.cost_usd) == ("genai-prices", expected)


@pytest.mark.django_db
def test_an_admin_price_row_overrides_genai_prices(openai_double, make_provider, user):
    make_provider(openai_double)
    ModelPrice.objects.create(
        provider_type="openai",
        model="gpt-6-luna",
        input_per_million=Decimal("1"),
        output_per_million=Decimal("2"),
    )
    openai_double.script(
        Reply.ok("x", input_tokens=1_000_000, output_tokens=500_000, thinking_tokens=0)
    )

    result = generate(user=user, task="extraction", prompt="hi")

    assert result.cost_usd == Decimal("2.00000000")
    assert UsageLog.objects.get(pk=result.usage_log_id).price_source == "admin"


@pytest.mark.django_db
def test_an_unpriced_model_is_flagged_and_charged_the_ceiling_not_zero(
    openai_double, make_provider, user
):
    make_provider(openai_double, fast_model="gpt-unknown-2099")
    openai_double.script(
        Reply.ok("x", input_tokens=1_000_000, output_tokens=1_000_000, thinking_tokens=0)
    )

    result = generate(user=user, task="extraction", prompt="hi")

    ceiling = pricing.ceiling_rates(datetime.now(UTC).date())
    assert result.cost_usd == ceiling.input + ceiling.output > 0
    row = UsageLog.objects.get(pk=result.usage_log_id)
    assert (row.price_source, row.cost_usd) == ("unpriced", result.cost_usd)
    # The cost quota counts it: the user's month holds the ceiling-priced cost.
    spent = QuotaCounter.objects.filter(user=user).values_list("cost_used_usd", flat=True)
    assert result.cost_usd in set(spent)


@pytest.mark.django_db
def test_an_unpriced_model_is_reserved_at_the_ceiling_so_a_cost_quota_refuses_it(
    openai_double, make_provider, user
):
    # A FREEMIUM month allows $1.00; at $0 an unpriced model would pass forever.
    Plan.objects.filter(code="FREEMIUM").update(monthly_cost_limit_usd=Decimal("0.000001"))
    make_provider(openai_double, fast_model="gpt-unknown-2099")

    with pytest.raises(Exception) as refused:
        generate(user=user, task="extraction", prompt="hi")

    assert getattr(refused.value, "code", "") == "QUOTA_EXCEEDED"
    assert openai_double.request_count == 0


@pytest.mark.django_db
def test_the_offline_provider_is_free_even_without_a_price_row(user):
    ModelPrice.objects.filter(provider_type="offline").delete()

    result = generate(user=user, task="provider_test", prompt="Say OK.", provider_type="offline")

    assert (result.provider, result.cost_usd) == ("offline", Decimal(0))
    row = UsageLog.objects.get(pk=result.usage_log_id)
    assert (row.price_source, row.cost_usd, row.output_tokens > 0) == ("free", 0, True)
