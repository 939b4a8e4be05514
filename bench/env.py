"""The benchmark's environment: its own PostgreSQL databases and Redis db, production settings.

Nothing here changes the project's settings: the bench runs `config.settings.production` and
configures it the 12-factor way, through environment variables set before django.setup().
The same variables are handed to the gunicorn server of the throughput benchmark.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
MAIN_DB = os.environ.get("BENCH_DATABASE_URL", f"{PG}/aiorch_bench")
REPORTS_DB = os.environ.get("BENCH_REPORTS_DATABASE_URL", f"{PG}/aiorch_bench_reports")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
# Throttles cap how fast one user may call; the load test measures the server, not them.
UNTHROTTLED = {"AI_THROTTLE_BURST": "100000000/min", "AI_THROTTLE_SUSTAINED": "100000000/day"}


def bench_environ(database_url: str) -> dict[str, str]:
    """Variables for a bench process or server: production settings on the bench's own stores.

    The Fernet key is made per run (kept in the environment so the server subprocess decrypts
    what the bench process encrypted); every run recreates its provider configs with it.
    """
    from cryptography.fernet import Fernet

    key = os.environ.get("BENCH_FIELD_ENCRYPTION_KEY") or Fernet.generate_key().decode()
    secret = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50)
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": secret,
        "BENCH_SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        "SECURE_HSTS_SECONDS": "0",
        "FIELD_ENCRYPTION_KEYS": key,
        "BENCH_FIELD_ENCRYPTION_KEY": key,
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        "REDIS_URL": REDIS,
        "CELERY_BROKER_URL": REDIS,
        "CELERY_RESULT_BACKEND": REDIS,
        "LOG_LEVEL": "WARNING",
        "OFFLINE_PROVIDER_ENABLED": "true",
        "PROVIDER_ALLOWED_HOSTS": "127.0.0.1",  # the vendor doubles the bench calls
        # Only the bench's own ProviderConfigs route calls: no key from the shell joins in.
        **{f"{v}_API_KEY": "" for v in ("OPENAI", "ANTHROPIC", "GEMINI")},
        **UNTHROTTLED,
    }


def setup_django(database_url: str = MAIN_DB, *, migrate: bool = True) -> None:
    """Point this process at a bench database (created and migrated if needed)."""
    os.environ.update(bench_environ(database_url))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    create_database(database_url)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def create_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
