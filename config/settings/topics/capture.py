"""Prompt and answer capture (orchestrator/services.py keeps them, usage/capture.py purges them).

Off by default: prompts hold users' CVs and job texts. On, every attempt's prompt and answer
(keys scrubbed) is kept AI_CAPTURE_DAYS days for superusers diagnosing bad answers."""

from config.settings.env import env

AI_CAPTURE_PAYLOADS = env.bool("AI_CAPTURE_PAYLOADS", default=False)
AI_CAPTURE_DAYS = env.int("AI_CAPTURE_DAYS", default=7)
AI_CAPTURE_PURGE_SECONDS = env.int("AI_CAPTURE_PURGE_SECONDS", default=3600)
