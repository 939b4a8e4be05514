"""CV drafting prompts: the code's version 1 (the prompts app keeps the versions an admin writes
after it, and serves this one when it has none)."""

from core.prompting import PromptTemplate, block

SYSTEM = (
    "You write ATS-friendly CVs. Use ONLY facts from the candidate's profile: never invent "
    "employers, job titles, dates, degrees, institutions or certifications. Reorder and "
    "reword to put the job's keywords first where the profile truly supports them. Each "
    "experience entry gets 2-5 concise achievement bullets. Answer with one JSON object only, "
    "matching the given schema."
)

CV_DRAFT = PromptTemplate(
    user="Draft a CV for this candidate, tailored to the job.\n\n$profile\n\n$job",
    variables=("profile", "job"),
    required=("profile", "job"),
)


def cv_variables(profile: dict, job: dict) -> dict[str, str]:
    return {"profile": block("profile", profile), "job": block("job", job)}
