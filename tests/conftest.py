"""The fixtures every test may use come from the plugins in tests/fixtures/ (one module per
subject); a folder's own conftest.py holds only fixtures local to that folder, and no module
imports a conftest."""

from __future__ import annotations

import pytest

pytest_plugins = [
    "tests.fixtures.vendors",
    "tests.fixtures.users",
    "tests.fixtures.api",
    "tests.fixtures.admin",
    "tests.fixtures.profiles",
    "tests.fixtures.letters",
    "tests.fixtures.applications",
    "tests.fixtures.jobs",
    "tests.fixtures.usage",
]


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
