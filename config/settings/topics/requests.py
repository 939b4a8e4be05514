"""Malformed and oversized requests (core/api.py) and the master profile's limits
(cvs/services.py)."""

from config.settings.env import env

# Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (above) are refused with 413; more form fields or
# files than Django's limits (DATA_UPLOAD_MAX_NUMBER_FIELDS 1000, _FILES 100) with 400.
# JSON bodies nested deeper than this are refused (400): nothing we accept needs more, and
# deep nesting overflows the stack of whatever walks it later.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
# The master profile (cvs/services.py): every draft sends all of it to the AI.
PROFILE_MAX_CHARS = env.int("PROFILE_MAX_CHARS", default=100_000)  # characters of JSON
PROFILE_MAX_DEPTH = env.int("PROFILE_MAX_DEPTH", default=8)  # levels of objects and lists
# Edits (PATCH/PUT) of jobs, CV drafts and letters per user (core/throttling.py), and how many
# versions of a CV draft or letter are kept: the AI's version 1 and the newest others.
EDIT_THROTTLE_RATES = {"document_edits": env("EDIT_THROTTLE", default="30/min")}
DOCUMENT_VERSIONS_KEPT = env.int("DOCUMENT_VERSIONS_KEPT", default=20)
