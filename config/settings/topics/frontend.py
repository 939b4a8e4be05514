"""What a browser frontend on another origin and its generated client need: CORS (which
request headers it may send, which response headers its code may read) and the API
documentation's introduction and tags (drf-spectacular)."""

from corsheaders.defaults import default_headers

from config.settings.env import env

# Request headers the API documents, beyond django-cors-headers' defaults (authorization,
# content-type, ...): `Prefer: respond-async` asks for a background task.
CORS_ALLOW_HEADERS = (*default_headers, "prefer")
# Response headers a page's script may read (a browser hides all others from it): the export's
# file name, how long to wait after a 429 or 503, the task URL of a 202, the request id, and
# the quota left (orchestrator/edge.py).
QUOTA_HEADERS = (
    "X-Quota-Plan",
    "X-Quota-Daily-Tokens-Limit",
    "X-Quota-Daily-Tokens-Remaining",
    "X-Quota-Monthly-Tokens-Limit",
    "X-Quota-Monthly-Tokens-Remaining",
    "X-Quota-Monthly-Cost-Limit",
    "X-Quota-Monthly-Cost-Remaining",
    "X-Quota-Daily-Reset",
    "X-Quota-Monthly-Reset",
)
CORS_EXPOSE_HEADERS = (
    "Content-Disposition",
    "Retry-After",
    "Location",
    "X-Request-Id",
    *QUOTA_HEADERS,
)
# A preflight answer is cached by the browser for a day (its default 86400).

API_DESCRIPTION = """\
Job extraction, CV drafting and cover letters through one AI gateway. A job seeker's flow,
in the order of the tags below: **auth** (sign up, sign in for a token), **jobs** (extract a
posting), **profile** (the master profile, JSON Resume field names), **cvs** (a CV drafted
for a job, its match score, edits, versions and export), **letters** (a cover letter, also
streamed), **tasks** (background work), **usage** (what it cost and what is left).

## Authentication

`POST /api/v1/auth/token` with a username and password answers a token; send it on every
other request as `Authorization: Bearer <token>` (or `Token <token>`). Browser frontends on
other origins must be listed in `CORS_ALLOWED_ORIGINS`; no cookies are used.

## The envelope

Every JSON answer is `{"success": true, "message": "...", "data": ...}`, or for an error
`{"success": false, "message": "...", "error_code": "...", "errors": {...}}` with the HTTP
status that fits (a used-up quota is 429 with `Retry-After`). `message` is a sentence for a
person; `error_code` is for programs (`ErrorCode` below); `errors` holds the messages per
field of an `INVALID_INPUT`. Lists are pages: `data` is `{count, next, previous, results}`.

## Synchronous, background and streamed AI calls

`POST /job-extractor/extract`, `/cv-drafter/draft` and `/cover-letter/generate` answer the
result (200/201). The same request to `.../async` answers `202` with a task to poll at
`GET /tasks/{id}`; `/cover-letter/generate/stream` answers the letter as server-sent events
(`LetterStreamEvent`). Every AI answer carries the quota left in `X-Quota-*` headers.
(`?async=1` / `Prefer: respond-async` and `Accept: text/event-stream` / `?stream=1` on the
first three still work, for clients written before.)"""

API_TAGS = [
    {"name": "auth", "description": "Sign up and sign in for a token."},
    {"name": "jobs", "description": "Job postings extracted from a URL, text or screenshot."},
    {"name": "profile", "description": "Your master profile (JSON Resume field names)."},
    {"name": "cvs", "description": "CVs drafted for a job: match, edits, versions, export."},
    {"name": "letters", "description": "Cover letters: written, streamed, edited, exported."},
    {"name": "tasks", "description": "Background AI tasks (the `/async` operations)."},
    {"name": "usage", "description": "What your calls used and cost, and what is left."},
]

# /readyz (core/health.py): how long each check (database, Redis) may take before the instance
# is reported not ready.
READYZ_TIMEOUT = env.float("READYZ_TIMEOUT", default=2.0)
