"""With Redis as the cache, every process sees the same circuit breaker state."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings

from orchestrator import snapshot
from orchestrator.resilience import breaker_allows, breaker_state
from tests.support.backing_services import require_redis


def open_in_another_process(caches: dict) -> None:
    script = (
        "import django; django.setup();"
        "from django.conf import settings;"
        f"settings.CACHES = {caches!r};"
        "from orchestrator.resilience import breaker_record_failure;"
        "[breaker_record_failure('4242') for _ in range(settings.AI_BREAKER_THRESHOLD)]"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        env=env,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )


def shared_cache(settings) -> dict:
    caches = {
        "default": {
            "BACKEND": "config.cache.PooledRedisCache",
            "LOCATION": require_redis() + "/14",
            "KEY_PREFIX": "breaker-test",
        }
    }
    settings.CACHES = caches
    from django.core.cache import cache

    cache.clear()
    return caches


def test_a_breaker_opened_in_another_process_is_open_here(settings):
    from django.core.cache import cache

    open_in_another_process(shared_cache(settings))

    assert breaker_state(4242) == "open"
    cache.clear()


@pytest.mark.django_db
def test_calls_here_stop_within_a_second_of_another_process_opening_the_breaker(settings):
    """A healthy circuit is remembered per process as long as the config snapshot."""
    from django.core.cache import cache

    caches = shared_cache(settings)
    assert breaker_allows("4242") is None  # healthy: nothing recorded

    open_in_another_process(caches)
    time.sleep(snapshot.RECHECK_SECONDS + 0.1)

    assert breaker_allows("4242") is False
    cache.clear()
