"""With Redis as the cache, every process sees the same circuit breaker state."""

import os
import subprocess
import sys

from django.conf import settings as django_settings

from orchestrator.resilience import breaker_state
from tests.services import require_redis


def test_a_breaker_opened_in_another_process_is_open_here(settings):
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

    assert breaker_state(4242) == "open"
    cache.clear()
