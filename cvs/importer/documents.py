"""DOCX, plain text and Markdown to lines."""

from __future__ import annotations

import io
import re
import zipfile

from .errors import FileRefused
from .lines import FIELD_SEPARATOR, Line, strip_bullet

MAX_CHARS = 200_000  # about 10 pages of dense text, the page limit of a PDF


def docx_lines(body: bytes) -> list[Line]:
    """Paragraphs and table cells in document order; Word's Title, Heading and List styles and
    bold runs say what each one is."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not body.startswith(b"PK"):
        raise FileRefused("This file is not a DOCX, whatever its name says.")
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = set(archive.namelist())
            if "EncryptedPackage" in names:
                raise FileRefused("This DOCX is encrypted; upload it without a password.")
            if "word/document.xml" not in names:
                raise FileRefused("This file is a ZIP archive, not a DOCX.")
            if sum(info.file_size for info in archive.infolist()) > 100 * 1024 * 1024:
                raise FileRefused("This DOCX unpacks to more than 100 MB.")
        document = Document(io.BytesIO(body))
    except FileRefused:
        raise
    except Exception as exc:  # python-docx and lxml raise many types on broken files
        raise FileRefused("This DOCX is damaged and cannot be read.") from exc

    lines: list[Line] = []

    def paragraph(p: Paragraph) -> None:
        text = p.text.replace("\t", FIELD_SEPARATOR).strip()
        if not text:
            return
        style = (p.style.name if p.style is not None else "") or ""
        runs = [r for r in p.runs if r.text.strip()]
        bold = bool(runs) and all(
            r.bold or (r.style is not None and r.style.font.bold) for r in runs
        )
        sizes = [r.font.size.pt for r in runs if r.font.size]
        body_text, bullet = strip_bullet(text)
        for part in body_text.split("\n"):
            if part.strip():
                lines.append(
                    Line(
                        text=part.strip(),
                        size=max(sizes) if sizes else 0.0,
                        bold=bold,
                        heading=style.startswith("Heading"),
                        title=style == "Title",
                        bullet=bullet or "List" in style,
                    )
                )

    def walk(parent: object) -> None:
        for child in parent.iter_inner_content():
            if isinstance(child, Table):
                seen: set[int] = set()
                for row in child.rows:
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # merged cells repeat
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)
            else:
                paragraph(child)

    walk(document)
    if sum(len(line.text) for line in lines) > MAX_CHARS:
        raise FileRefused("This document is longer than 10 pages of text.")
    return lines


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
