"""Prompt evaluations (prompts/evaluations.py)."""

from config.settings.env import BASE_DIR, env

# The fixture corpus the evaluation sets read (job pages, profiles, jobs): data, not code, so
# a deployment may point it at a corpus of its own.
PROMPT_EVAL_DATA = env.str("PROMPT_EVAL_DATA", default=str(BASE_DIR / "tests" / "data"))
