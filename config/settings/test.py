"""The test suite: PostgreSQL when DATABASE_URL is set (CI), SQLite otherwise."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests configure providers explicitly; keys in the developer's shell must not leak in.
for _provider in PROVIDER_ENV.values():  # noqa: F405
    _provider["api_key"] = ""
    _provider["base_url"] = ""
# The vendor doubles (tests/support/doubles/) listen on the loopback: listed as a self-hosted
# server is.
PROVIDER_ALLOWED_HOSTS = ["127.0.0.1"]
FIELD_ENCRYPTION_KEYS = ["u8rC0cXbN0yP3f2l7e9pQ1s4t6v8x0z2A4C6E8G0I2K="]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Real backoff waits seconds; tests keep the same logic at a hundredth of the pace.
AI_RETRY_BASE_DELAY = 0.01
AI_RETRY_MAX_DELAY = 0.05
# Tests run the periodic jobs themselves (a server process a test starts has its own settings).
EMBEDDED_SCHEDULE = False
