"""The WSGI entry point gunicorn serves (`make serve`) starts with production settings and
answers, with every vendor SDK loaded before its first request (README, Deploying)."""

import json
import os
import subprocess
import sys

from django.conf import settings

from tests.config.test_settings import PRODUCTION

# A fresh interpreter: config.wsgi freezes the garbage collector's view of the whole process.
STARTS_AND_ANSWERS = """
import gc, io, json, sys
from config.wsgi import application
answered = {}
environ = {
    "REQUEST_METHOD": "GET", "PATH_INFO": "/admin/login/", "SERVER_NAME": "api.example.com",
    "SERVER_PORT": "443", "HTTP_HOST": "api.example.com", "wsgi.url_scheme": "https",
    "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
}
body = b"".join(application(environ, lambda status, headers: answered.update(status=status)))
print(json.dumps({
    "status": answered["status"],
    "login_form": b'name="password"' in body,
    "sdks_loaded": [m for m in ("openai", "anthropic", "google.genai") if m in sys.modules],
    "frozen": gc.get_freeze_count(),
}))
"""


def test_the_wsgi_application_starts_in_production_and_answers_with_the_sdks_loaded():
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **PRODUCTION)
    done = subprocess.run(
        [sys.executable, "-c", STARTS_AND_ANSWERS],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "200 OK"
    assert result["login_form"]
    assert result["sdks_loaded"] == ["openai", "anthropic", "google.genai"]
    assert result["frozen"] > 0


SETTINGS_IT_CHOSE = """
import config.wsgi
from django.conf import settings
print(settings.SETTINGS_MODULE, settings.DEBUG)
"""


def _without_settings_module(**env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", *PRODUCTION}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", SETTINGS_IT_CHOSE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_server_started_without_a_settings_module_runs_with_production_settings():
    done = _without_settings_module(**PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "config.settings.production False"


def test_a_server_started_without_settings_or_secrets_refuses_to_start():
    done = _without_settings_module()
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr
