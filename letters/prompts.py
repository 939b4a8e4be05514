"""Cover letter prompts.

Bump VERSION when the wording changes: every result records the version that made it.
"""

from core.prompting import block

from .schemas import BODY_MAX_WORDS, BODY_MIN_WORDS, BODY_PARAGRAPHS

VERSION = "letter-v1"

SYSTEM = (
    "You write cover letters. Use only facts from the candidate's profile. Answer with one "
    f"JSON object: subject, greeting, paragraphs (exactly {BODY_PARAGRAPHS} body paragraphs, "
    f"{BODY_MIN_WORDS}-{BODY_MAX_WORDS} words in total), sign_off and signature. The greeting "
    "and sign-off go only in their own fields, never inside a paragraph."
)


def letter_prompt(profile: dict, job: dict, tone: str) -> str:
    return "\n\n".join(
        [
            f"Write a {tone} cover letter for this candidate and job.",
            block("tone", tone),
            block("profile", profile),
            block("job", job),
        ]
    )
