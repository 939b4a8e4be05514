"""Sign-up and sign-in (accounts/): password rules, throttles, and the client address behind
reverse proxies."""

from datetime import timedelta

from config.settings.env import env

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
# Django's username-and-password backend, with the hash checked while no database connection is
# held (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.PasswordBackend"]
# Password hashes computed at once per process (accounts/hashing.py); 0 = half the CPU cores.
PASSWORD_HASHES_AT_ONCE = env.int("PASSWORD_HASHES_AT_ONCE", default=0)
# Sign-in and sign-up throttles (accounts/throttling.py): failed sign-ins per username and per
# client address, sign-ups per client address. 429 RATE_LIMITED with Retry-After.
AUTH_THROTTLE_RATES = {
    "auth_signin_failures_username": env("AUTH_SIGNIN_FAILURES_PER_USERNAME", default="10/hour"),
    "auth_signin_failures_address": env("AUTH_SIGNIN_FAILURES_PER_ADDRESS", default="30/hour"),
    "auth_signup_address": env("AUTH_SIGNUPS_PER_ADDRESS", default="10/hour"),
}
# The client's address: the socket's peer, or behind NUM_PROXIES reverse proxies the entry the
# nearest one added to CLIENT_IP_HEADER. 0 ignores forwarding headers, which clients can forge.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="X-Forwarded-For")
# API tokens (accounts/tokens.py, django-rest-knox): one per sign-in, stored as a SHA-512
# digest. Each expires API_TOKEN_DAYS after its last use (used tokens slide forward, at most one
# write an hour), and never later than API_TOKEN_MAX_DAYS after sign-in.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=30)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=env.int("API_TOKEN_MAX_DAYS", default=365)),
    "MIN_REFRESH_INTERVAL": 3600,
    "AUTH_HEADER_PREFIX": "Token",
}
