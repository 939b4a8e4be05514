"""What a call costs: the admin's price row if there is one, else genai-prices, else a ceiling.

genai-prices (the pydantic team's maintained price data: current models, cached-input and
tiered prices) is the default source; the built-in offline provider is free. A ModelPrice row
in the admin overrides either for its (provider, model). A model neither knows is *unpriced*:
it is never counted as free. Its calls are charged at the ceiling — the dearest rate among the
catalogue's default models — so cost quotas and cost alerts keep holding, and its usage rows
say `price_source = "unpriced"` so the admin sees the figure is an estimate and can add a row.

Looking a model up in genai-prices takes milliseconds the first time and ~70 µs per
`calc_price`; the rates are resolved once per (provider, model, UTC day) and kept, and the cost
of a call is three multiplications with the library's own `calc_unit_price` (which applies its
tier rule: past a tier's threshold of input tokens, every token pays that tier's rate).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from genai_prices.data_snapshot import get_snapshot
from genai_prices.types import TieredPrices, calc_unit_price

from . import snapshot
from .catalogue import DEFAULT_MODELS, FREE_PROVIDER_TYPES, PRICE_PROVIDER_IDS

ADMIN = "admin"
LIBRARY = "genai-prices"
FREE = "free"
UNPRICED = "unpriced"
SOURCE_LABELS = {
    ADMIN: "admin price row",
    LIBRARY: "genai-prices",
    FREE: "free (the built-in offline provider)",
    UNPRICED: "unpriced: charged at the ceiling price",
}
PER_MILLION = 1_000_000
EIGHT_PLACES = Decimal("0.00000001")

Rate = Decimal | TieredPrices  # USD per million tokens, flat or by input-size tier
KINDS = (("input", "input"), ("output", "output"), ("cached", "cached_input"))


@dataclass(frozen=True)
class Rates:
    source: str
    input: Rate
    output: Rate
    cached_input: Rate

    def cost(self, *, input_tokens: int, output_tokens: int, cached_input_tokens: int) -> Decimal:
        """Exact dollars; cached input tokens (part of input_tokens) at their own rate."""
        uncached = max(0, input_tokens - cached_input_tokens)
        total = (
            calc_unit_price(self.input, uncached, input_tokens, PER_MILLION)
            + calc_unit_price(self.cached_input, cached_input_tokens, input_tokens, PER_MILLION)
            + calc_unit_price(self.output, output_tokens, input_tokens, PER_MILLION)
        )
        return total.quantize(EIGHT_PLACES)


def rates_for(
    *, provider_type: str, model: str, prices: Mapping[tuple[str, str], Any] | None = None
) -> Rates:
    """The rates that price this model now: admin row, then genai-prices, then the ceiling.
    `prices`: the admin's price rows as a call read them when it opened (Call.prices); by
    default the config snapshot's, which may ask the database for its version."""
    if prices is None:
        prices = snapshot.current().prices
    row = prices.get((provider_type, model))
    if row is not None:
        return Rates(
            ADMIN, row.input_per_million, row.output_per_million, row.cached_input_per_million
        )
    if provider_type in FREE_PROVIDER_TYPES:
        return _FREE_RATES
    today = datetime.now(UTC).date()
    return library_rates(provider_type, model, today) or ceiling_rates(today)


def call_cost(
    *,
    provider_type: str,
    model: str,
    input_tokens: int,
    output_tokens: int,
    cached_input_tokens: int,
    prices: Mapping[tuple[str, str], Any] | None = None,
) -> tuple[Decimal, str]:
    """(cost in dollars, price source) of one call's usage (`prices`: as rates_for)."""
    rates = rates_for(provider_type=provider_type, model=model, prices=prices)
    cost = rates.cost(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_input_tokens=cached_input_tokens,
    )
    return cost, rates.source


_FREE_RATES = Rates(FREE, Decimal(0), Decimal(0), Decimal(0))


@functools.lru_cache(maxsize=1024)
def library_rates(provider_type: str, model: str, day: date) -> Rates | None:
    """genai-prices' rates for the model on that day (prices may change on a date), or None."""
    provider_id = PRICE_PROVIDER_IDS.get(provider_type)
    if provider_id is None or not model:
        return None
    try:
        _, info = get_snapshot().find_provider_model(model, None, provider_id, None)
    except LookupError:
        return None
    prices = info.get_prices(datetime.combine(day, time(12), tzinfo=UTC))
    if prices.input_mtok is None or prices.output_mtok is None:
        return None  # priced per second or per image: not a chat model we can price
    cached = prices.cache_read_mtok if prices.cache_read_mtok is not None else prices.input_mtok
    return Rates(LIBRARY, prices.input_mtok, prices.output_mtok, cached)


@functools.lru_cache(maxsize=256)
def library_deprecated(provider_type: str, model: str) -> bool:
    """genai-prices marks the model deprecated by its vendor (still callable, retiring)."""
    provider_id = PRICE_PROVIDER_IDS.get(provider_type)
    if provider_id is None or not model:
        return False
    try:
        _, info = get_snapshot().find_provider_model(model, None, provider_id, None)
    except LookupError:
        return False
    return bool(info.deprecated)


@functools.lru_cache(maxsize=4)
def ceiling_rates(day: date) -> Rates:
    """The dearest base rate of each kind among the default models: what an unpriced call is
    charged, so it can never pass as free."""
    known = [
        rates
        for provider_type, models in DEFAULT_MODELS.items()
        for model in models
        if (rates := library_rates(provider_type, model, day)) is not None
    ]

    def dearest(kind: str) -> Decimal:
        return max(
            (base_rate(getattr(rates, kind)) for rates in known), default=Decimal(0)
        ) or Decimal(0)

    top_input = dearest("input")
    return Rates(UNPRICED, top_input, dearest("output"), top_input)


def base_rate(rate: Rate) -> Decimal:
    # The top tier of a tiered price: the ceiling must not undercut a long prompt.
    if isinstance(rate, TieredPrices):
        return max([rate.base, *(tier.price for tier in rate.tiers)])
    return rate
