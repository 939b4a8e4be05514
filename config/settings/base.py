"""Settings shared by every environment, read from the environment (12-factor).

With no environment at all this runs the embedded default: SQLite, local-memory cache, eager
Celery tasks, the offline provider. See .env.example for every variable.

Longer than our usual modules: one section per topic, each naming the module it configures;
Django reads settings from one module, and the sections refer to each other (the throttle
rates, CELERY_IMPORTS and the beat schedule are built up across them).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from orchestrator.catalogue import DEFAULT_MODELS  # pure data: no Django import

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

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
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "solo",
]
LOCAL_APPS = ["core", "billing", "accounts", "orchestrator", "usage", "jobs", "cvs", "letters"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First, so preflight requests are answered here, before sessions and authentication.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "config.cache.PooledRedisCache", "LOCATION": REDIS_URL}}
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
        "rest_framework.authentication.TokenAuthentication",
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

# --- Secrets at rest ----------------------------------------------------------------------
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation). The built-in dev
# key keeps `make run` working; production.py refuses to start with it.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE="
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[DEV_ENCRYPTION_KEY])
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must name at least one Fernet key.")

# --- Providers configured by environment only --------------------------------------------
# Default models per vendor and tier come from orchestrator/catalogue.py.
PROVIDER_ENV = {
    "gemini": {
        "api_key": env("GEMINI_API_KEY", default=""),
        "base_url": env("GOOGLE_GEMINI_BASE_URL", default=""),
        "fast_model": env("GEMINI_MODEL_FAST", default=DEFAULT_MODELS["gemini"][0]),
        "quality_model": env("GEMINI_MODEL_QUALITY", default=DEFAULT_MODELS["gemini"][1]),
    },
    "openai": {
        "api_key": env("OPENAI_API_KEY", default=""),
        "base_url": env("OPENAI_BASE_URL", default=""),
        "fast_model": env("OPENAI_MODEL_FAST", default=DEFAULT_MODELS["openai"][0]),
        "quality_model": env("OPENAI_MODEL_QUALITY", default=DEFAULT_MODELS["openai"][1]),
    },
    "anthropic": {
        "api_key": env("ANTHROPIC_API_KEY", default=""),
        "base_url": env("ANTHROPIC_BASE_URL", default=""),
        "fast_model": env("ANTHROPIC_MODEL_FAST", default=DEFAULT_MODELS["anthropic"][0]),
        "quality_model": env("ANTHROPIC_MODEL_QUALITY", default=DEFAULT_MODELS["anthropic"][1]),
    },
}
# The offline provider ends every fallback chain unless turned off.
OFFLINE_PROVIDER_ENABLED = env.bool("OFFLINE_PROVIDER_ENABLED", default=True)

# Seconds the SDK may wait for one vendor answer, per task.
AI_TIMEOUTS = {
    "default": env.float("AI_TIMEOUT", default=60.0),
    "extraction": env.float("AI_TIMEOUT_EXTRACTION", default=45.0),
}
AI_DEFAULT_MAX_TOKENS = env.int("AI_DEFAULT_MAX_TOKENS", default=4096)

# --- Extraction channels -------------------------------------------------------------------
EXTRACTOR_ALLOWED_HOSTS = env.list("EXTRACTOR_ALLOWED_HOSTS", default=[])
EXTRACTOR_MAX_BYTES = env.int("EXTRACTOR_MAX_BYTES", default=2_000_000)
EXTRACTOR_TIMEOUT = env.float("EXTRACTOR_TIMEOUT", default=10.0)
EXTRACTOR_MAX_REDIRECTS = env.int("EXTRACTOR_MAX_REDIRECTS", default=5)
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=5_000_000)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
TEXT_MIN_CHARS = env.int("TEXT_MIN_CHARS", default=40)
TEXT_MAX_CHARS = env.int("TEXT_MAX_CHARS", default=50_000)

# CV and letter export: the PDF embeds DejaVu Sans from this folder (Debian: fonts-dejavu-core)
EXPORT_FONT_DIR = env("EXPORT_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
DATA_UPLOAD_MAX_MEMORY_SIZE = IMAGE_MAX_BYTES + 1_000_000

# --- Resilience: cache, retries, fallback, circuit breaker, throttling ----------------------
AI_CACHE_TTL = env.int("AI_CACHE_TTL", default=7 * 24 * 3600)  # seconds
AI_MAX_ATTEMPTS_PER_PROVIDER = env.int("AI_MAX_ATTEMPTS_PER_PROVIDER", default=3)
AI_RETRY_BASE_DELAY = env.float("AI_RETRY_BASE_DELAY", default=0.5)  # seconds, doubles
AI_RETRY_MAX_DELAY = env.float("AI_RETRY_MAX_DELAY", default=8.0)
# A vendor asking us to wait longer than this is skipped for the next provider instead.
AI_RETRY_AFTER_MAX = env.float("AI_RETRY_AFTER_MAX", default=20.0)
AI_CALL_BUDGET = env.float("AI_CALL_BUDGET", default=120.0)  # seconds for all attempts
AI_BREAKER_THRESHOLD = env.int("AI_BREAKER_THRESHOLD", default=5)  # consecutive failures
AI_BREAKER_COOLDOWN = env.int("AI_BREAKER_COOLDOWN", default=30)  # seconds
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "ai_burst": env("AI_THROTTLE_BURST", default="20/min"),
    "ai_sustained": env("AI_THROTTLE_SUSTAINED", default="500/day"),
}

# --- Alerts (usage/alerts.py; Celery beat runs the check, `manage.py check_alerts` too) ----------
# The thresholds' first values: once saved in the admin (AlertThresholds), the admin's apply.
ALERT_ERROR_RATE = env.float("ALERT_ERROR_RATE", default=0.10)  # share of a provider's calls
ALERT_P95_LATENCY_MS = env.int("ALERT_P95_LATENCY_MS", default=5000)
ALERT_COST_SPIKE_FACTOR = env.float("ALERT_COST_SPIKE_FACTOR", default=2.0)  # × 7-day average
ALERT_WINDOW_MINUTES = env.int("ALERT_WINDOW_MINUTES", default=60)
# Below this many calls in the window a provider's error rate and p95 say nothing: one error
# in two calls must not page anyone.
ALERT_MIN_CALLS = env.int("ALERT_MIN_CALLS", default=20)
ALERT_QUOTA_EXCEEDED_MIN = env.int("ALERT_QUOTA_EXCEEDED_MIN", default=1)  # refusals in window
ALERT_REPEAT_HOURS = env.float("ALERT_REPEAT_HOURS", default=6)  # re-mail a still-open alert
ALERT_CHECK_SECONDS = env.int("ALERT_CHECK_SECONDS", default=300)
# Celery autodiscovery only finds tasks.py modules; merged so other areas can add their own.
CELERY_IMPORTS = (*globals().get("CELERY_IMPORTS", ()), "usage.alert_tasks")
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "alerts-check": {"task": "orchestrator.alerts_check", "schedule": ALERT_CHECK_SECONDS},
}

# --- Product API: sign-up (accounts/api.py) -------------------------------------------------
# Django's own checks for passwords chosen through POST /api/v1/auth/register.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in and sign-up throttles (accounts/throttling.py): failed sign-ins per username and per
# client address, sign-ups per client address. 429 RATE_LIMITED with Retry-After.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].update(
    {
        "auth_signin_failures_username": env(
            "AUTH_SIGNIN_FAILURES_PER_USERNAME", default="10/hour"
        ),
        "auth_signin_failures_address": env("AUTH_SIGNIN_FAILURES_PER_ADDRESS", default="30/hour"),
        "auth_signup_address": env("AUTH_SIGNUPS_PER_ADDRESS", default="10/hour"),
    }
)
# The client's address: the socket's peer, or behind NUM_PROXIES reverse proxies the entry the
# nearest one added to CLIENT_IP_HEADER. 0 ignores forwarding headers, which clients can forge.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="X-Forwarded-For")
# DRF's own throttles read X-Forwarded-For the same way (with None they trust it whole).
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES
# Two models name their choices "Status"; OpenAPI needs one enum name for each.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "AITaskStatusEnum": "orchestrator.models.AITask.Status",
        "UsageLogStatusEnum": "orchestrator.models.UsageLog.Status",
    }
)

# --- Usage rollups (usage/rollups.py; beat rebuilds yesterday and today) -------------------------
USAGE_ROLLUP_SECONDS = env.int("USAGE_ROLLUP_SECONDS", default=300)
CELERY_IMPORTS = (*CELERY_IMPORTS, "usage.rollup_tasks")
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "usage-rollup": {"task": "orchestrator.usage_rollup_recent", "schedule": USAGE_ROLLUP_SECONDS},
}

# --- Provider credentials re-test (orchestrator/provider_tasks.py) ---------------------------
# Every active provider config is tested daily, so an expired or revoked key raises the
# "Provider credentials failing" alert before users meet it.
PROVIDER_RETEST_SECONDS = env.int("PROVIDER_RETEST_SECONDS", default=24 * 3600)
CELERY_IMPORTS = (*globals().get("CELERY_IMPORTS", ()), "orchestrator.provider_tasks")
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "provider-retest": {
        "task": "orchestrator.provider_configs_retest",
        "schedule": PROVIDER_RETEST_SECONDS,
    },
}

# --- Where no Celery beat runs (orchestrator/schedule.py) ------------------------------------
# Each server process runs the alert check and the usage rollups on their intervals itself, one
# process per run between them. By default when tasks run eagerly (no broker, so no beat).
EMBEDDED_SCHEDULE = env.bool("EMBEDDED_SCHEDULE", default=CELERY_TASK_ALWAYS_EAGER)

# --- Malformed and oversized requests (core/parsers.py, core/api.py) -----------------------
# Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (above) are refused with 413; more form fields or
# files than Django's limits (DATA_UPLOAD_MAX_NUMBER_FIELDS 1000, _FILES 100) with 400.
# JSON bodies nested deeper than this are refused (400): nothing we accept needs more, and
# deep nesting overflows the stack of whatever walks it later.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "core.api.SafeJSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "core.parsers.SafeJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
# The master profile (cvs/services.py): every draft sends all of it to the AI.
PROFILE_MAX_CHARS = env.int("PROFILE_MAX_CHARS", default=100_000)  # characters of JSON
PROFILE_MAX_DEPTH = env.int("PROFILE_MAX_DEPTH", default=8)  # levels of objects and lists
SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"] = {
    "id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
}
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "core.schema.document_common_errors",
]
# Request bodies get their own components, with what only a request has (minLength of a
# required text, write-only fields).
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True
