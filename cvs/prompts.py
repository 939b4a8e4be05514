"""CV drafting prompts.

Bump VERSION when the wording changes: every result records the version that made it.
"""

from core.prompting import block

VERSION = "cv-v1"

SYSTEM = (
    "You write ATS-friendly CVs. Use ONLY facts from the candidate's profile: never invent "
    "employers, job titles, dates, degrees, institutions or certifications. Reorder and "
    "reword to put the job's keywords first where the profile truly supports them. Each "
    "experience entry gets 2-5 concise achievement bullets. Answer with one JSON object only, "
    "matching the given schema."
)


def cv_prompt(profile: dict, job: dict) -> str:
    return "\n\n".join(
        [
            "Draft a CV for this candidate, tailored to the job.",
            block("profile", profile),
            block("job", job),
        ]
    )
