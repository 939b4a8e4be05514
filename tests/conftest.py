"""Fixtures the tests compose: users, API clients, vendor doubles and providers wired to them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from orchestrator.models import ProviderConfig
from tests.doubles import Reply, VendorDouble

VENDORS = ("openai", "anthropic", "gemini")
# The catalogue's current defaults (orchestrator/catalogue.py), so tests run what installs run.
MODELS = {
    "openai": ("gpt-6-luna", "gpt-6.1-sol"),
    "anthropic": ("claude-haiku-5-5", "claude-sonnet-5-5"),
    "gemini": ("gemini-3.5-flash-lite", "gemini-3.8-flash"),
}
TEST_KEYS = {
    "openai": "sk-test-openai-abcdef0123456789wxyz",
    "anthropic": "sk-ant-test-0123456789abcdefghij",
    "gemini": "AIzaTestGeminiKey0123456789abcdefgh",
}


@pytest.fixture(scope="session")
def vendor_doubles():
    doubles = {vendor: VendorDouble(vendor).start() for vendor in VENDORS}
    yield doubles
    for double in doubles.values():
        double.stop()


def _fresh(doubles: dict[str, VendorDouble], vendor: str) -> VendorDouble:
    double = doubles[vendor]
    double.reset()
    return double


@pytest.fixture
def openai_double(vendor_doubles):
    return _fresh(vendor_doubles, "openai")


@pytest.fixture
def anthropic_double(vendor_doubles):
    return _fresh(vendor_doubles, "anthropic")


@pytest.fixture
def gemini_double(vendor_doubles):
    return _fresh(vendor_doubles, "gemini")


@pytest.fixture(params=VENDORS)
def any_double(request, vendor_doubles):
    """Runs a test once per vendor, each through its own real SDK."""
    return _fresh(vendor_doubles, request.param)


@pytest.fixture
def make_provider(db):
    """A ProviderConfig pointing at a double, with a real encrypted key."""

    def make(double: VendorDouble, **overrides) -> ProviderConfig:
        vendor = double.vendor
        fast, quality = MODELS[vendor]
        fields = dict(
            name=f"{vendor} test",
            provider_type=vendor,
            base_url=double.base_url,
            fast_model=fast,
            quality_model=quality,
            priority=10,
        )
        api_key = overrides.pop("api_key", TEST_KEYS[vendor])
        fields.update(overrides)
        config = ProviderConfig(**fields)
        config.set_api_key(api_key)
        config.save()
        double.expect_key = api_key
        return config

    return make


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "alice-pass-123")


@pytest.fixture
def other_user(db, django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", "bob-pass-123")


@pytest.fixture
def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


__all__ = ["Reply"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """The result cache and breaker state live in Django's cache; no test sees another's."""
    from django.core.cache import cache

    from orchestrator import snapshot

    cache.clear()
    snapshot.forget()  # the database under each test differs: reread the config
    yield
    cache.clear()
    snapshot.forget()
