"""The default models: current in the installed SDKs, no announced shutdown, priced; and the
data migration that moves installs still running the retired defaults."""

import importlib
import typing
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from anthropic.resources.messages.messages import DEPRECATED_MODELS
from anthropic.types.model_param import ModelParam
from django.apps import apps as django_apps
from django.conf import settings
from genai_prices.data_snapshot import get_snapshot
from openai.types.shared import chat_model

from orchestrator import catalogue, pricing
from orchestrator.models import ModelPrice, ProviderConfig
from tests.fixtures.vendors import MODELS

migration = importlib.import_module("orchestrator.migrations.0012_current_models_and_price_source")


def test_openai_defaults_are_chat_models_without_a_shutdown_date():
    known = typing.get_args(chat_model.ChatModel)
    notes = open(chat_model.__file__).read().split('"""Deprecated values:', 1)[1]
    for model in catalogue.DEFAULT_MODELS["openai"]:
        assert model in known
        assert f'"{model}"' not in notes, f"{model} has an announced shutdown date"


def test_anthropic_defaults_are_listed_and_not_deprecated():
    known = typing.get_args(typing.get_args(ModelParam)[0])
    for model in catalogue.DEFAULT_MODELS["anthropic"]:
        assert model in known and model not in DEPRECATED_MODELS


def test_no_default_is_in_the_shutdown_table_and_every_default_is_priced():
    today = datetime.now(UTC).date()
    for provider_type, models in catalogue.DEFAULT_MODELS.items():
        for model in models:
            assert catalogue.shutdown_date(provider_type, model) is None
            rates = pricing.library_rates(provider_type, model, today)
            assert rates is not None and rates.source == pricing.LIBRARY
            provider_id = catalogue.PRICE_PROVIDER_IDS[provider_type]
            _, info = get_snapshot().find_provider_model(model, None, provider_id, None)
            assert not info.deprecated, f"genai-prices marks {model} deprecated"


def test_the_retired_openai_and_gemini_defaults_are_in_the_shutdown_table():
    # The old Claude defaults are legacy, superseded, with no shutdown date announced yet.
    for provider_type in ("openai", "gemini"):
        for model in migration.OLD_MODELS[provider_type]:
            assert catalogue.shutdown_date(provider_type, model), model


def test_env_providers_tests_and_the_migration_use_the_catalogue():
    for provider_type, models in catalogue.DEFAULT_MODELS.items():
        env = settings.PROVIDER_ENV[provider_type]
        assert (env["fast_model"], env["quality_model"]) == models
        assert MODELS[provider_type] == models == migration.NEW_MODELS[provider_type]


# --- the data migration, run on real rows ---------------------------------------------------


def config(name, provider_type, fast, quality):
    return ProviderConfig.objects.create(
        name=name, provider_type=provider_type, fast_model=fast, quality_model=quality
    )


@pytest.mark.django_db
def test_the_migration_moves_only_model_fields_still_at_the_old_defaults():
    untouched = config("gemini", "gemini", "gemini-2.5-flash", "gemini-2.5-pro")
    half = config("openai", "openai", "gpt-4o-mini", "gpt-5.5")  # quality chosen by an admin
    chosen = config("claude", "anthropic", "claude-opus-5", "claude-opus-5-5")
    # Same model names on another provider type are not that vendor's defaults.
    compatible = config("vllm", "openai_compatible", "gpt-4o-mini", "gpt-4o")

    migration.forwards(django_apps, None)

    rows = {c.name: (c.fast_model, c.quality_model) for c in ProviderConfig.objects.all()}
    assert rows[untouched.name] == ("gemini-3.5-flash-lite", "gemini-3.8-flash")
    assert rows[half.name] == ("gpt-6-luna", "gpt-5.5")
    assert rows[chosen.name] == ("claude-opus-5", "claude-opus-5-5")
    assert rows[compatible.name] == ("gpt-4o-mini", "gpt-4o")

    migration.backwards(django_apps, None)

    rows = {c.name: (c.fast_model, c.quality_model) for c in ProviderConfig.objects.all()}
    assert rows[untouched.name] == ("gemini-2.5-flash", "gemini-2.5-pro")
    assert rows[half.name] == ("gpt-4o-mini", "gpt-5.5")
    assert rows[chosen.name] == ("claude-opus-5", "claude-opus-5-5")


@pytest.mark.django_db
def test_the_migration_drops_unedited_seeded_prices_so_genai_prices_takes_over():
    def price(model, inp, out, cached):
        ModelPrice.objects.create(
            provider_type="openai" if model.startswith("gpt") else "anthropic",
            model=model,
            input_per_million=Decimal(inp),
            output_per_million=Decimal(out),
            cached_input_per_million=Decimal(cached),
        )

    price("gpt-4o-mini", "0.15", "0.60", "0.075")  # as seeded
    price("gpt-4o", "2.00", "8.00", "1.00")  # an admin's negotiated price
    price("claude-haiku-4-5", "1.00", "5.00", "0.10")  # as seeded

    migration.forwards(django_apps, None)

    left = set(ModelPrice.objects.exclude(provider_type="offline").values_list("model", flat=True))
    assert left == {"gpt-4o"}

    migration.backwards(django_apps, None)

    assert ModelPrice.objects.get(model="gpt-4o").input_per_million == Decimal("2.00")
    assert ModelPrice.objects.get(model="gpt-4o-mini").output_per_million == Decimal("0.60")
    assert ModelPrice.objects.filter(model="gemini-2.5-pro").exists()


def test_the_migration_is_reversible():
    (operation,) = [
        op for op in migration.Migration.operations if op.__class__.__name__ == "RunPython"
    ]
    assert operation.reversible


def test_every_default_model_has_a_capability_row_with_its_sources():
    for provider_type, models in catalogue.DEFAULT_MODELS.items():
        for model in models:
            row = catalogue.capabilities(provider_type, model)
            assert row is not catalogue.UNKNOWN, model
            assert row.source and row.max_output and row.context_window, model
            # What the probe and both tiers ask for is among the values the model accepts.
            for asked in (row.least, row.fast, row.quality):
                assert asked in row.levels, (model, asked)
            assert row.default in row.levels


def test_a_dated_snapshot_finds_its_family_row():
    assert catalogue.capabilities("openai", "gpt-6.1-sol-2026-09-29").levels[0] == "low"
    assert catalogue.capabilities("gemini", "models/gemini-3.8-flash").least == "LOW"
    assert catalogue.capabilities("anthropic", "claude-sonnet-5-5-20261001").default == "high"
