"""Cover letters as files (PDF, DOCX, Markdown, text), rendered by documents.export like the
CVs, and laid out as a letter is: the sender's contact block, the date, the recipient, then
the subject line, greeting, body, sign-off and signature."""

from __future__ import annotations

from datetime import date

from documents.export import (
    ENTRY,
    META,
    PARAGRAPH,
    SUBTITLE,
    TITLE,
    Block,
    ExportedFile,
    document_export,
    file_stem,
)

from .selectors import letter_get


def _long_date(value: str) -> str:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    return f"{day.day} {day:%B %Y}"


def _part(letter: dict, name: str) -> dict:
    value = letter.get(name)
    return value if isinstance(value, dict) else {}


def _sender_blocks(sender: dict) -> list[Block]:
    blocks: list[Block] = [(TITLE, sender["name"])] if sender.get("name") else []
    links = [link for link in sender.get("links") or [] if isinstance(link, str)]
    contact = [sender.get(k) or "" for k in ("email", "phone", "location")] + links
    if any(contact):
        blocks.append((SUBTITLE, " | ".join(c for c in contact if c)))
    return blocks


def _heading_blocks(letter: dict) -> list[Block]:
    """Sender's contact block, date, recipient: the top of a letter."""
    blocks = _sender_blocks(_part(letter, "sender"))
    if letter.get("date"):
        blocks.append((META, _long_date(letter["date"])))
    recipient = _part(letter, "recipient")
    to = [recipient.get(k) or "" for k in ("name", "company", "location")]
    if any(to):
        blocks.append((PARAGRAPH, "\n".join(t for t in to if t)))
    return blocks


def letter_blocks(letter: dict) -> list[Block]:
    paragraphs = letter.get("paragraphs") or []
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    blocks = _heading_blocks(letter)
    subject = (letter.get("subject") or "").strip()
    if subject:
        blocks.append((ENTRY, f"Subject: {subject}"))
    for text in (letter.get("greeting"), *paragraphs, letter.get("sign_off")):
        if text and text.strip():
            blocks.append((PARAGRAPH, text))
    if (letter.get("signature") or "").strip():
        blocks.append((PARAGRAPH, letter["signature"]))
    return blocks


def letter_export(*, user: object, letter_id: int, file_format: str, paper: str) -> ExportedFile:
    """One of the user's cover letters (its latest version) as a file."""
    letter = letter_get(user=user, letter_id=letter_id)
    content = dict(letter.content)
    content.setdefault("date", letter.created_at.date().isoformat())
    signature = (content.get("signature") or "").strip()
    return document_export(
        blocks=letter_blocks(content),
        file_format=file_format,
        paper=paper,
        title=(content.get("subject") or "Cover letter").strip(),
        author=signature,
        stem=file_stem(
            signature, "cover-letter", letter.job.company, fallback=f"letter-{letter.pk}"
        ),
    )
