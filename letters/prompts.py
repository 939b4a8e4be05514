"""Cover letter prompts: the code's version 1 (the prompts app keeps the versions an admin
writes after it, and serves this one when it has none)."""

from core.prompting import PromptTemplate, block

from .schemas import BODY_MAX_WORDS, BODY_MIN_WORDS, BODY_PARAGRAPHS

SYSTEM = (
    "You write cover letters. Use only facts from the candidate's profile. Answer with one "
    f"JSON object: subject, greeting, paragraphs (exactly {BODY_PARAGRAPHS} body paragraphs, "
    f"{BODY_MIN_WORDS}-{BODY_MAX_WORDS} words in total), sign_off and signature. The greeting "
    "and sign-off go only in their own fields, never inside a paragraph."
)

COVER_LETTER = PromptTemplate(
    user=(
        "Write a $tone cover letter for this candidate and job.\n\n$tone_block\n\n$profile\n\n$job"
    ),
    variables=("tone", "tone_block", "profile", "job"),
    required=("tone_block", "profile", "job"),
)


def letter_variables(profile: dict, job: dict, tone: str) -> dict[str, str]:
    return {
        "tone": tone,
        "tone_block": block("tone", tone),
        "profile": block("profile", profile),
        "job": block("job", job),
    }
