"""Extraction prompts.

Bump VERSION when the wording changes: every result records the version that made it.
"""

from core.prompting import block

VERSION = "extraction-v3"

SYSTEM = (
    "You extract structured data from job postings. Answer with one JSON object only, "
    "matching the given schema. Use the posting's own words; never invent a company, salary "
    "or requirement. Keep what the posting only prefers (a 'Nice to have', 'Bonus' or "
    "'Preferred' section) in requirements too, each item starting 'Nice to have: '. Unknown "
    "text fields are empty strings, unknown lists are empty. Lines "
    "such as 'Page title:' or 'Site name:' before a posting describe the page it came from."
)


def extraction_prompt(posting: str, *, source_url: str = "") -> str:
    parts = ["Extract the job posting below."]
    if source_url:
        parts.append(block("source_url", source_url))
    parts.append(block("posting", posting))
    return "\n\n".join(parts)


IMAGE_PROMPT = (
    "The attached image is a screenshot of a job posting. Extract the posting it shows."
    "\n\n" + block("posting", "(see the attached image)")
)

IMAGE_CHECK_SYSTEM = (
    "You check uploaded images. Answer with one JSON object: is_job_posting (true only if "
    "the image shows a job advertisement or job description with readable text) and reason."
)
IMAGE_CHECK_PROMPT = "Is the attached image a job posting?"
