"""Settings promises: production passes Django's deploy checks and refuses unsafe defaults."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-" + "z" * 20,
    "ALLOWED_HOSTS": "api.example.com",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
}


def test_check_deploy_reports_no_warnings_in_production():
    done = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_the_public_development_encryption_key():
    env = {**PRODUCTION, "FIELD_ENCRYPTION_KEYS": settings.DEV_ENCRYPTION_KEY}
    done = manage("check", **env)
    assert done.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in done.stderr


def test_check_deploy_refuses_a_malformed_encryption_key():
    env = {**PRODUCTION, "FIELD_ENCRYPTION_KEYS": "not-a-fernet-key"}
    done = manage("check", "--deploy", **env)
    assert done.returncode != 0
    assert "orchestrator.E001" in done.stderr and "not a valid Fernet key" in done.stderr


def test_check_warns_of_a_quota_hold_margin_shorter_than_the_database_waits_after_an_answer():
    """A hold that expires while its live call still waits for the database (its row, one
    retry, the settlement) is closed by the reaper as ABANDONED: the operator is told at
    start-up, with the margin that would do."""
    # PostgreSQL's pool (not opened: the checks read only the settings).
    postgres = "postgres://postgres@127.0.0.1:5432/aiorch_settings_check"
    env = {
        **PRODUCTION,
        "DATABASE_URL": postgres,
        "QUOTA_HOLD_MARGIN": "5",
        "DB_POOL_TIMEOUT": "10",
    }
    done = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert done.returncode != 0
    assert "orchestrator.W001" in done.stderr
    assert "QUOTA_HOLD_MARGIN (5 s)" in done.stderr and "at least 30" in done.stderr

    enough = manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**env, "QUOTA_HOLD_MARGIN": "30"}
    )
    assert enough.returncode == 0, enough.stdout + enough.stderr
