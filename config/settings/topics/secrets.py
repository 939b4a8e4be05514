"""Secrets at rest: the keys that encrypt provider API keys in the database
(orchestrator/crypto.py)."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env

# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation). The built-in dev
# key keeps `make run` working; production.py refuses to start with it.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE="
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[DEV_ENCRYPTION_KEY])
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must name at least one Fernet key.")
