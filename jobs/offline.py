"""The offline provider's extraction: schema.org data where a page has it, else page and text
heuristics, on the posting the prompt carries."""

from __future__ import annotations

import re

from orchestrator.providers.offline import required_block

from .heuristics import job_from_page, job_from_text
from .structured import structured_job

_HTML = re.compile(
    r"<(?:!doctype|html|head|body|div|p|main|article|section|script|ul|li|h[1-6]|"
    r"span|br|meta|table)\b",
    re.I,
)


def extract_job(posting: str) -> dict:
    if _HTML.search(posting):
        return structured_job(posting) or job_from_page(posting)
    return job_from_text(posting)


def answer_extraction(prompt: str) -> dict:
    """The offline answer of the extraction task, from the prompt's <posting> block."""
    return extract_job(required_block(prompt, "posting"))
