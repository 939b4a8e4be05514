"""DOCX, plain text and Markdown to lines."""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from .errors import FileRefused
from .lines import FIELD_SEPARATOR, Line, strip_bullet

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

MAX_CHARS = 200_000  # about 10 pages of dense text, the page limit of a PDF


def docx_lines(body: bytes) -> list[Line]:
    """Paragraphs and table cells in document order; Word's Title, Heading and List styles and
    bold runs say what each one is."""
    from docx import Document

    if not body.startswith(b"PK"):
        raise FileRefused("This file is not a DOCX, whatever its name says.")
    try:
        _docx_check(body)
        document = Document(io.BytesIO(body))
    except FileRefused:
        raise
    except Exception as exc:  # python-docx and lxml raise many types on broken files
        raise FileRefused("This DOCX is damaged and cannot be read.") from exc
    lines: list[Line] = []
    _docx_walk(document, lines)
    if sum(len(line.text) for line in lines) > MAX_CHARS:
        raise FileRefused("This document is longer than 10 pages of text.")
    return lines


def _docx_check(body: bytes) -> None:
    """Refuse an encrypted DOCX, a ZIP that is no DOCX and a ZIP bomb before opening it."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = set(archive.namelist())
        if "EncryptedPackage" in names:
            raise FileRefused("This DOCX is encrypted; upload it without a password.")
        if "word/document.xml" not in names:
            raise FileRefused("This file is a ZIP archive, not a DOCX.")
        if sum(info.file_size for info in archive.infolist()) > 100 * 1024 * 1024:
            raise FileRefused("This DOCX unpacks to more than 100 MB.")


def _docx_walk(parent: object, lines: list[Line]) -> None:
    """The document's (or a table cell's) paragraphs and tables, cells row by row."""
    from docx.table import Table

    for child in parent.iter_inner_content():
        if not isinstance(child, Table):
            lines += _paragraph_lines(child)
            continue
        seen: set[int] = set()
        for row in child.rows:
            for cell in row.cells:
                if id(cell._tc) in seen:  # merged cells repeat
                    continue
                seen.add(id(cell._tc))
                _docx_walk(cell, lines)


def _paragraph_lines(paragraph: Paragraph) -> list[Line]:
    """One Line per line of the paragraph (a soft line break splits it)."""
    text = paragraph.text.replace("\t", FIELD_SEPARATOR).strip()
    if not text:
        return []
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    runs = [run for run in paragraph.runs if run.text.strip()]
    sizes = [run.font.size.pt for run in runs if run.font.size]
    body_text, bullet = strip_bullet(text)
    return [
        Line(
            text=part.strip(),
            size=max(sizes) if sizes else 0.0,
            bold=_all_bold(runs),
            heading=style.startswith("Heading"),
            title=style == "Title",
            bullet=bullet or "List" in style or _numbered(paragraph),
        )
        for part in body_text.split("\n")
        if part.strip()
    ]


def _numbered(paragraph: Paragraph) -> bool:
    """An item of a Word list: pandoc and Word number bullets on the paragraph itself, whatever
    its style ("Compact", "Normal"); numbering 0 switches an inherited list off."""
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is None or numbering.numId is None:
        return False
    return numbering.numId.val != 0


def _all_bold(runs: list[Run]) -> bool:
    return bool(runs) and all(
        run.bold or (run.style is not None and run.style.font.bold) for run in runs
    )


def text_lines(body: bytes, *, markdown: bool) -> list[Line]:
    text = _decode(body)
    if len(text) > MAX_CHARS:
        raise FileRefused("This text is longer than 10 pages.")
    raw = text.splitlines()
    lines: list[Line] = []
    for index, source in enumerate(raw):
        stripped = source.strip()
        if not stripped or re.fullmatch(r"[-=_*~]{3,}", stripped):
            continue
        underlined = index + 1 < len(raw) and re.fullmatch(r"[-=]{3,}", raw[index + 1].strip())
        level = len(stripped) - len(stripped.lstrip("#")) if markdown else 0
        if level and stripped[level : level + 1] == " ":
            content = _unmark(stripped[level:].strip())
            lines.append(Line(text=content, title=level == 1 and not lines, heading=level == 2))
            continue
        if stripped.startswith("\\"):
            stripped = stripped[1:]
        content, bullet = strip_bullet(stripped)
        content = _unmark(content) if markdown else content
        content = re.sub(r"\s{3,}", FIELD_SEPARATOR, content)
        lines.append(Line(text=content, heading=bool(underlined), bullet=bullet))
    return lines


def _unmark(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 \2", text)
    return re.sub(r"(\*\*|__|\*|`)", "", text).replace("\\", "").strip()


def _decode(body: bytes) -> str:
    if b"\x00" in body[:4096]:
        raise FileRefused("This file is not text, whatever its name says.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("This text file is neither UTF-8 nor Windows-1252.")
