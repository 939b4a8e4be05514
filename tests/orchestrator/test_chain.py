"""The provider chain: DB configs (default first, then priority), env-only providers, offline."""

import pytest

from orchestrator.models import ProviderConfig
from orchestrator.providers import scrub
from orchestrator.snapshot import provider_chain

pytestmark = pytest.mark.django_db


def set_env_key(settings, kind, key):
    # Replace the whole dict: the settings fixture restores top-level values only.
    settings.PROVIDER_ENV = {
        **settings.PROVIDER_ENV,
        kind: {**settings.PROVIDER_ENV[kind], "api_key": key},
    }


def names(chain):
    return [(route.provider_type, route.name) for route in chain]


def test_fresh_install_has_only_the_offline_provider():
    assert names(provider_chain()) == [("offline", "Offline (built in)")]


def test_db_configs_default_first_then_priority_then_env_then_offline(
    settings, make_provider, openai_double, anthropic_double
):
    set_env_key(settings, "gemini", "AIzaEnv")
    make_provider(openai_double, name="OpenAI", priority=5)
    make_provider(anthropic_double, name="Claude", priority=50, is_default=True)
    ProviderConfig.objects.create(
        name="Off", provider_type="openai", fast_model="a", quality_model="b", is_active=False
    )

    assert names(provider_chain()) == [
        ("anthropic", "Claude"),
        ("openai", "OpenAI"),
        ("gemini", "gemini (environment)"),
        ("offline", "Offline (built in)"),
    ]


def test_env_providers_come_in_gemini_openai_anthropic_order(settings):
    for kind in ("anthropic", "openai", "gemini"):
        set_env_key(settings, kind, f"k-{kind}")
    assert [r.provider_type for r in provider_chain()] == [
        "gemini",
        "openai",
        "anthropic",
        "offline",
    ]
    env_gemini = provider_chain(provider_type="gemini")[0]
    assert (env_gemini.fast_model, env_gemini.config_id) == ("gemini-3.5-flash-lite", None)


def test_a_db_config_shadows_the_env_provider_of_its_type(settings, make_provider, openai_double):
    set_env_key(settings, "openai", "sk-env")
    make_provider(openai_double, name="OpenAI DB")
    assert names(provider_chain(provider_type="openai")) == [("openai", "OpenAI DB")]


def test_offline_can_be_switched_off(settings):
    settings.OFFLINE_PROVIDER_ENABLED = False
    assert provider_chain() == []


def test_scrub_removes_keys_and_their_masked_echoes():
    text = "Incorrect API key provided: sk-ab***************wxyz. Key sk-live-123456 AIzaSyA123456"
    cleaned = scrub(text, "sk-live-123456")
    assert "sk-" not in cleaned and "AIza" not in cleaned and "wxyz" not in cleaned
