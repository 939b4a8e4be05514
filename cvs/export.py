"""CVs as files: a CV laid out as blocks (header, summary, experience, education, skills,
certifications, under the standard headings ATS parsers split a CV on), rendered by
documents.export."""

from __future__ import annotations

from documents.export import (
    BULLET,
    ENTRY,
    HEADING,
    META,
    PARAGRAPH,
    SUBTITLE,
    TITLE,
    Block,
    ExportedFile,
    document_export,
    file_stem,
    join_parts,
)

from .selectors import cv_draft_get


def _dates(item: dict) -> str:
    return join_parts(item.get("start_date"), item.get("end_date"), sep=" – ")


def _header_blocks(header: dict) -> list[Block]:
    """The name, the headline and one line of contact details."""
    blocks: list[Block] = [(TITLE, header.get("name") or "Curriculum vitae")]
    if header.get("headline"):
        blocks.append((SUBTITLE, header["headline"]))
    contact = join_parts(
        header.get("email"), header.get("phone"), header.get("location"), *header.get("links") or []
    )
    if contact:
        blocks.append((SUBTITLE, contact))
    return blocks


def _experience_blocks(experience: list[dict]) -> list[Block]:
    blocks: list[Block] = [(HEADING, "Experience")]
    for item in experience:
        blocks.append((ENTRY, join_parts(item.get("title"), item.get("employer"), sep=", ")))
        meta = join_parts(item.get("location"), _dates(item))
        if meta:
            blocks.append((META, meta))
        blocks += [(BULLET, b) for b in item.get("bullets") or [] if b and b.strip()]
    return blocks


def _education_blocks(education: list[dict]) -> list[Block]:
    blocks: list[Block] = [(HEADING, "Education")]
    for item in education:
        degree, field = item.get("degree") or "", item.get("field") or ""
        if field.casefold() not in degree.casefold():  # "MSc Informatyka" names it already
            degree = join_parts(degree, field, sep=" ")
        blocks.append((ENTRY, join_parts(degree, item.get("institution"), sep=", ")))
        if _dates(item):
            blocks.append((META, _dates(item)))
    return blocks


def cv_blocks(cv: dict) -> list[Block]:
    """The CV in reading order, each section only when it has something to say."""
    blocks = _header_blocks(cv.get("header") or {})
    if (cv.get("summary") or "").strip():
        blocks += [(HEADING, "Summary"), (PARAGRAPH, cv["summary"])]
    if cv.get("experience"):
        blocks += _experience_blocks(cv["experience"])
    if cv.get("education"):
        blocks += _education_blocks(cv["education"])
    if cv.get("skills"):
        blocks += [(HEADING, "Skills"), (PARAGRAPH, ", ".join(cv["skills"]))]
    if cv.get("certifications"):
        blocks.append((HEADING, "Certifications"))
        blocks += [(BULLET, c) for c in cv["certifications"] if c and c.strip()]
    return blocks


def cv_export(*, user: object, draft_id: int, file_format: str, paper: str) -> ExportedFile:
    """One of the user's CV drafts (its latest version) as a file."""
    draft = cv_draft_get(user=user, draft_id=draft_id)
    cv = draft.content
    name = (cv.get("header") or {}).get("name") or ""
    company = (cv.get("target") or {}).get("company") or ""
    return document_export(
        blocks=cv_blocks(cv),
        file_format=file_format,
        paper=paper,
        title=join_parts(name, "CV", sep=" – "),
        author=name,
        stem=file_stem(name, "cv", company, fallback=f"cv-{draft.pk}"),
    )
