"""Extraction prompts: the code's version 1 of each task's prompt (the prompts app keeps the
versions an admin writes after it, and serves these when it has none)."""

from core.prompting import PromptTemplate, block, template_render

SYSTEM = (
    "You extract structured data from job postings. Answer with one JSON object only, "
    "matching the given schema. Use the posting's own words; never invent a company, salary "
    "or requirement. Keep what the posting only prefers (a 'Nice to have', 'Bonus' or "
    "'Preferred' section) in requirements too, each item starting 'Nice to have: '. Unknown "
    "text fields are empty strings, unknown lists are empty. Lines "
    "such as 'Page title:' or 'Site name:' before a posting describe the page it came from."
)

EXTRACTION = PromptTemplate(
    user="Extract the job posting below.\n\n${source_url}${posting}",
    variables=("source_url", "posting"),
    required=("posting",),
)


def extraction_variables(posting: str, *, source_url: str = "") -> dict[str, str]:
    return {
        "source_url": block("source_url", source_url) + "\n\n" if source_url else "",
        "posting": block("posting", posting),
    }


def extraction_prompt(posting: str, *, source_url: str = "") -> str:
    """The code's extraction prompt for a posting, as version 1 renders it."""
    return template_render(EXTRACTION.user, extraction_variables(posting, source_url=source_url))


# A screenshot's extraction brings its own prompt text (the task's system prompt still comes
# from its prompt version).
IMAGE_PROMPT = (
    "The attached image is a screenshot of a job posting. Extract the posting it shows."
    "\n\n" + block("posting", "(see the attached image)")
)

IMAGE_CHECK_SYSTEM = (
    "You check uploaded images. Answer with one JSON object: is_job_posting (true only if "
    "the image shows a job advertisement or job description with readable text) and reason."
)
IMAGE_CHECK = PromptTemplate(user="Is the attached image a job posting?", variables=())
