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
