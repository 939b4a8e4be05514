"""Interview prep prompts. Bump VERSION when the wording changes."""

from core.prompting import block

VERSION = "interview-v1"

SYSTEM = (
    "You help a candidate prepare for a job interview. From the job posting, write the likely "
    "questions: behavioural, technical and about the company. For each, outline an answer in "
    "STAR form (situation, task, action, result) built ONLY from the numbered facts given, and "
    'list in `sources` the ids of the facts it stands on (e.g. "F3"). Never invent an '
    "experience, employer, number or result. When no fact supports an answer, set `outline` "
    'to null, `sources` to [] and `note` to "No matching experience: prepare how you would '
    'learn it." Answer with one JSON object only, matching the given schema.'
)


def prep_prompt(*, facts: list[dict], job: dict) -> str:
    return "\n\n".join(
        [
            "Prepare this candidate for an interview for this job.",
            block("facts", facts),
            block("job", job),
        ]
    )
