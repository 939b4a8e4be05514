"""Cover letters as files (PDF, DOCX, Markdown, text), laid out like the CVs in cvs.export."""

from __future__ import annotations

from cvs.export import ENTRY, PARAGRAPH, Block, ExportedFile, document_export, file_stem

from .selectors import letter_get


def letter_blocks(letter: dict) -> list[Block]:
    paragraphs = letter.get("paragraphs") or []
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    subject = (letter.get("subject") or "").strip()
    blocks: list[Block] = [(ENTRY, f"Subject: {subject}")] if subject else []
    for text in (letter.get("greeting"), *paragraphs, letter.get("sign_off")):
        if text and text.strip():
            blocks.append((PARAGRAPH, text))
    if (letter.get("signature") or "").strip():
        blocks.append((PARAGRAPH, letter["signature"]))
    return blocks


def letter_export(*, user: object, letter_id: int, file_format: str, paper: str) -> ExportedFile:
    """One of the user's cover letters (its latest version) as a file."""
    letter = letter_get(user=user, letter_id=letter_id)
    signature = (letter.content.get("signature") or "").strip()
    return document_export(
        blocks=letter_blocks(letter.content),
        file_format=file_format,
        paper=paper,
        title=(letter.content.get("subject") or "Cover letter").strip(),
        author=signature,
        stem=file_stem(
            signature, "cover-letter", letter.job.company, fallback=f"letter-{letter.pk}"
        ),
    )
