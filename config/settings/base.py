"""Settings shared by every environment, read from the environment (12-factor).

With no environment at all this runs the embedded default: SQLite, local-memory cache, eager
Celery tasks, the offline provider. See .env.example for every variable.

Django, the database, caches, Celery, DRF and the OpenAPI schema are set here; each product
topic has its module in topics/ (secrets, providers, extraction, resilience, alerts, accounts,
periodic jobs, requests), imported at the end, where what they add to the shared dicts above
(throttle rates, parsers) is put together.
"""

from config.settings.databases import database_tune
from config.settings.env import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me-" + "x" * 32)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Browser frontends on other origins (scheme://host[:port]) may call the API; none by default.
# They authenticate with a token header, never cookies, so credentials stay off.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "corsheaders",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "solo",
]
LOCAL_APPS = [
    "core",
    "billing",
    "accounts",
    "orchestrator",
    "prompts",
    "usage",
    "jobs",
    "documents",
    "cvs",
    "letters",
    "applications",
    "privacy",  # last: its admin adds to the user admin that billing registers
]
# core first: its `runserver` (the development server with a bigger backlog) must take the place
# of staticfiles' (the first app to provide a command wins).
INSTALLED_APPS = [
    "core",
    *DJANGO_APPS,
    *THIRD_PARTY_APPS,
    *(app for app in LOCAL_APPS if app != "core"),
]

MIDDLEWARE = [
    # First, so preflight requests are answered here, before sessions and authentication.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL in an admin filter or search is a 400, not a database error (a 500).
    "core.api.RefuseNulInQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The caller's quota left on every answer that made an AI call (X-Quota-* headers).
    "orchestrator.edge.QuotaHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections: a new PostgreSQL connection per request costs more than the
# orchestrator's whole overhead budget.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL: a connection pool. An AI request waits seconds on a vendor; with a pool it
# hands its connection back meanwhile (orchestrator.services), so concurrent requests are
# not capped by the server's max_connections. Pooled connections are not also persistent.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DB_POOL", default=True
):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Django's backend with a cheaper pool health check (config/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=20),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }
# WAL and IMMEDIATE transactions on SQLite, statement and lock timeouts on PostgreSQL.
database_tune(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.PooledRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs costs a request at most this long before the cache serves
            # from local memory (config/cache.py); one that refuses connections, nothing.
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=1.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# What every process must agree on is shared through Redis or the database, never a process's
# own memory: a user's plan code is cached in Redis (dropped when it changes); without Redis
# each process reads it from the database, at most once a second per user.
PLAN_CACHE_SECONDS = 300 if REDIS_URL else 0

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Without a broker, tasks run in-process so the embedded default needs nothing else.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
# A task's message is acknowledged when the task ends, and put back when its worker process
# dies, so a killed worker's task runs again (orchestrator/tasks.py makes a re-run safe);
# one message at a time per process, so a dying process takes no others down with it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"

LANGUAGE_CODE = "en-us"
# Quota days and months, reports and alerts are all in UTC.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
ADMINS = [tuple(a.split(":", 1)) for a in env.list("ADMINS", default=[]) if ":" in a]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The first class names the scheme of 401 answers' WWW-Authenticate: Token.
        "accounts.authentication.TokenAuthentication",
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Orchestrator API",
    "DESCRIPTION": "Job extraction, CV drafting and cover letters through one AI gateway.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # httpx/httpx2 log every request URL at INFO; some SDKs put keys in query strings.
    "loggers": {
        name: {"level": "WARNING"} for name in ("httpx", "httpcore", "httpx2", "httpcore2")
    },
}

# --- The topics --------------------------------------------------------------------------------
from config.settings.topics.accounts import *  # noqa: E402, F403
from config.settings.topics.alerts import *  # noqa: E402, F403
from config.settings.topics.capture import *  # noqa: E402, F403
from config.settings.topics.extraction import *  # noqa: E402, F403
from config.settings.topics.frontend import *  # noqa: E402, F403
from config.settings.topics.periodic import *  # noqa: E402, F403
from config.settings.topics.privacy import *  # noqa: E402, F403
from config.settings.topics.prompts import *  # noqa: E402, F403
from config.settings.topics.providers import *  # noqa: E402, F403
from config.settings.topics.requests import *  # noqa: E402, F403
from config.settings.topics.resilience import *  # noqa: E402, F403
from config.settings.topics.secrets import *  # noqa: E402, F403

# --- What the topics add to the shared settings above -----------------------------------------
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **AI_THROTTLE_RATES,  # noqa: F405
    **AUTH_THROTTLE_RATES,  # noqa: F405
    **EDIT_THROTTLE_RATES,  # noqa: F405
    **PRIVACY_THROTTLE_RATES,  # noqa: F405
}
# DRF's own throttles read X-Forwarded-For the same way (with None they trust it whole).
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES  # noqa: F405
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "core.api.SafeJSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "core.api.SafeJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
SPECTACULAR_SETTINGS["DESCRIPTION"] = API_DESCRIPTION  # noqa: F405
SPECTACULAR_SETTINGS["TAGS"] = API_TAGS  # noqa: F405
# Two models name their choices "Status"; OpenAPI needs one enum name for each.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "AITaskStatusEnum": "orchestrator.models.AITask.Status",
    "UsageLogStatusEnum": "orchestrator.models.UsageLog.Status",
    "ApplicationStatusEnum": "applications.statuses.Status",
}
SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"] = {
    "id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
}
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "core.schema.document_common_errors",
    "core.schema.tidy_for_clients",
    "orchestrator.openapi.document_task_results",
]
# Request bodies get their own components, with what only a request has (minLength of a
# required text, write-only fields).
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True

# Celery beat's schedule is not set here: every app declares its periodic jobs in its
# periodic.py (orchestrator.schedule.periodic), and config/celery.py hands them to beat.

# Where no Celery beat runs (orchestrator/schedule.py), each server process runs the periodic
# jobs on their intervals itself, one process per run between them. By default when tasks run
# eagerly (no broker, so no beat).
EMBEDDED_SCHEDULE = env.bool("EMBEDDED_SCHEDULE", default=CELERY_TASK_ALWAYS_EAGER)
