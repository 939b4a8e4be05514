"""Money: exact Decimal dollars from the price table, never rounded to whole cents."""

from decimal import Decimal

import pytest

from orchestrator.models import ModelPrice
from orchestrator.selectors import cost_usd
from orchestrator.services import generate
from tests.doubles import Reply


def price(inp: str, out: str, cached: str = "0") -> ModelPrice:
    return ModelPrice(
        input_per_million=Decimal(inp),
        output_per_million=Decimal(out),
        cached_input_per_million=Decimal(cached),
    )


def test_known_tokens_and_price_give_the_exact_decimal():
    # 1234 * 0.30/1M + 567 * 2.50/1M = 0.0003702 + 0.0014175
    assert cost_usd(
        price=price("0.30", "2.50"), input_tokens=1234, output_tokens=567, cached_input_tokens=0
    ) == Decimal("0.00178770")


def test_cached_input_is_priced_at_its_own_rate():
    # 1000 uncached * 1.25 + 3000 cached * 0.31 + 100 * 10.00, per million
    assert cost_usd(
        price=price("1.25", "10.00", "0.31"),
        input_tokens=4000,
        output_tokens=100,
        cached_input_tokens=3000,
    ) == Decimal("0.00318000")


def test_a_tiny_call_is_not_rounded_to_zero():
    assert cost_usd(
        price=price("0.075", "0.30"), input_tokens=10, output_tokens=5, cached_input_tokens=0
    ) == Decimal("0.00000225")


def test_unknown_model_costs_zero_rather_than_guessing():
    assert cost_usd(price=None, input_tokens=10, output_tokens=5, cached_input_tokens=0) == 0


@pytest.mark.django_db
def test_logged_cost_uses_the_admin_editable_price(openai_double, make_provider, user):
    make_provider(openai_double)
    ModelPrice.objects.filter(provider_type="openai", model="gpt-4o-mini").update(
        input_per_million=Decimal("1"), output_per_million=Decimal("2")
    )
    openai_double.script(Reply.ok("x", input_tokens=1_000_000, output_tokens=500_000))

    assert generate(user=user, task="extraction", prompt="hi").cost_usd == Decimal("2.00000000")
