"""Interview preps as files (PDF, DOCX, Markdown, text), laid out like the CVs and rendered by
documents.export."""

from __future__ import annotations

from documents.export import (
    BULLET,
    HEADING,
    PARAGRAPH,
    TITLE,
    Block,
    ExportedFile,
    document_export,
    file_stem,
)

from ..selectors import interview_prep_get

STAR = ("situation", "task", "action", "result")


def prep_blocks(prep: dict, *, title: str) -> list[Block]:
    blocks: list[Block] = [(TITLE, title)]
    for n, question in enumerate(prep.get("questions") or [], start=1):
        blocks.append(
            (HEADING, f"{n}. {question.get('question', '')} ({question.get('kind', '')})")
        )
        outline = question.get("outline") or {}
        for part in STAR:
            if outline.get(part):
                blocks.append((BULLET, f"{part.capitalize()}: {outline[part]}"))
        if question.get("note"):
            blocks.append((PARAGRAPH, question["note"]))
        for source in question.get("sources") or []:
            blocks.append((PARAGRAPH, f"Source {source['id']}: {source['text']}"))
    return blocks


def interview_prep_export(
    *, user: object, prep_id: int, file_format: str, paper: str
) -> ExportedFile:
    prep = interview_prep_get(user=user, prep_id=prep_id)
    job = prep.application.job
    title = f"Interview prep: {job}"
    return document_export(
        blocks=prep_blocks(prep.content, title=title),
        file_format=file_format,
        paper=paper,
        title=title,
        author="",
        stem=file_stem("interview-prep", job.company, job.title, fallback=f"prep-{prep.pk}"),
    )
