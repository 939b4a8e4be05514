"""Interview prep prompts: the code's version 1 (the prompts app keeps the versions an admin
writes after it, and serves this one when it has none)."""

from core.prompting import PromptTemplate, block

SYSTEM = (
    "You help a candidate prepare for a job interview. From the job posting, write the likely "
    "questions: behavioural, technical and about the company. For each, outline an answer in "
    "STAR form (situation, task, action, result) built ONLY from the numbered facts given, and "
    'list in `sources` the ids of the facts it stands on (e.g. "F3"). Never invent an '
    "experience, employer, number or result. When no fact supports an answer, set `outline` "
    'to null, `sources` to [] and `note` to "No matching experience: prepare how you would '
    'learn it." Answer with one JSON object only, matching the given schema.'
)

INTERVIEW_PREP = PromptTemplate(
    user="Prepare this candidate for an interview for this job.\n\n$facts\n\n$job",
    variables=("facts", "job"),
    required=("facts", "job"),
)


def prep_variables(*, facts: list[dict], job: dict) -> dict[str, str]:
    return {"facts": block("facts", facts), "job": block("job", job)}
