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
    user="Draft a CV for this candidate, tailored to the job.\n\n$profile\n\n$job$feedback",
    variables=("profile", "job", "feedback"),
    required=("profile", "job", "feedback"),
)


def cv_variables(profile: dict, job: dict, feedback: str = "") -> dict[str, str]:
    """`feedback`: what was wrong with the previous draft, on the one retry."""
    return {
        "profile": block("profile", profile),
        "job": block("job", job),
        "feedback": f"\n\nYour previous draft was rejected: {feedback}. Fix this."
        if feedback
        else "",
    }
