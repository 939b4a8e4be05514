"""CVs (and, through letters.export, cover letters) as files an applicant tracking system reads.

A document is first laid out as a list of blocks (title, heading, entry, bullet, ...), then
rendered to PDF, DOCX, Markdown or plain text. Every format is one column of real text in
reading order, with the standard section headings (Summary, Experience, Education, Skills,
Certifications): ATS parsers split a CV on those words and lose text kept in images, tables
or side columns.

PDF: cvs.pdf (fpdf2 with the Noto fonts, every script, shaped). DOCX: python-docx with Word's
built-in Title, Heading 1 and List Bullet styles, which parsers recognise as structure.
Markdown: user text is escaped, so a CV or letter can add no heading, HTML, link or image of
its own.

Every text is cleaned first: control characters (which a pasted job can carry, and which the
Word format forbids) and invisible zero-width spaces are dropped, so an export always works.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.utils.text import slugify

from .pdf import ExportUnavailable, render_pdf

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
PAPERS = ("a4", "letter")
__all__ = ["ExportUnavailable", "render_pdf"]

# Block kinds, in the order a reader meets them.
TITLE, SUBTITLE, HEADING, ENTRY, META, BULLET, PARAGRAPH = (
    "title",
    "subtitle",
    "heading",
    "entry",
    "meta",
    "bullet",
    "paragraph",
)
Block = tuple[str, str]


@dataclass(frozen=True)
class ExportedFile:
    body: bytes
    content_type: str
    filename: str


# --- The CV as blocks ----------------------------------------------------------------------


def _join(*parts: str | None, sep: str = " | ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def _dates(item: dict) -> str:
    return _join(item.get("start_date"), item.get("end_date"), sep=" – ")


def cv_blocks(cv: dict) -> list[Block]:
    header = cv.get("header") or {}
    blocks: list[Block] = [(TITLE, header.get("name") or "Curriculum vitae")]
    if header.get("headline"):
        blocks.append((SUBTITLE, header["headline"]))
    contact = _join(
        header.get("email"), header.get("phone"), header.get("location"), *header.get("links") or []
    )
    if contact:
        blocks.append((SUBTITLE, contact))
    if (cv.get("summary") or "").strip():
        blocks += [(HEADING, "Summary"), (PARAGRAPH, cv["summary"])]
    if cv.get("experience"):
        blocks.append((HEADING, "Experience"))
        for item in cv["experience"]:
            blocks.append((ENTRY, _join(item.get("title"), item.get("employer"), sep=", ")))
            meta = _join(item.get("location"), _dates(item))
            if meta:
                blocks.append((META, meta))
            blocks += [(BULLET, b) for b in item.get("bullets") or [] if b and b.strip()]
    if cv.get("education"):
        blocks.append((HEADING, "Education"))
        for item in cv["education"]:
            degree, field = item.get("degree") or "", item.get("field") or ""
            if field.casefold() not in degree.casefold():  # "MSc Informatyka" names it already
                degree = _join(degree, field, sep=" ")
            blocks.append((ENTRY, _join(degree, item.get("institution"), sep=", ")))
            if _dates(item):
                blocks.append((META, _dates(item)))
    if cv.get("skills"):
        blocks += [(HEADING, "Skills"), (PARAGRAPH, ", ".join(cv["skills"]))]
    if cv.get("certifications"):
        blocks.append((HEADING, "Certifications"))
        blocks += [(BULLET, c) for c in cv["certifications"] if c and c.strip()]
    return blocks


# --- Renderers -----------------------------------------------------------------------------


def render_docx(blocks: list[Block], *, paper: str, title: str, author: str) -> bytes:
    from docx import Document
    from docx.shared import Inches, Mm, Pt

    document = Document()
    section = document.sections[0]
    if paper == "letter":
        section.page_width, section.page_height = Inches(8.5), Inches(11)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))
    document.styles["Normal"].font.size = Pt(10.5)
    document.core_properties.title = title
    document.core_properties.author = author
    for kind, text in blocks:
        if kind == TITLE:
            document.add_heading(text, level=0)
        elif kind == HEADING:
            document.add_heading(text, level=1)
        elif kind == ENTRY:
            document.add_paragraph().add_run(text).bold = True
        elif kind == BULLET:
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Characters that make Markdown (or the HTML it may hold) anywhere in a line: emphasis, code,
# links and images ("[", "]"), raw HTML ("<"), tables, headings, strikethrough.
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>#|~])")
# What starts a list item or a quote only at the start of a line.
_MD_LIST_MARK = re.compile(r"^([+-])")
_MD_NUMBERED = re.compile(r"^(\d+)([.)])")
# Control characters (Word files may not hold them; U+FFFE and U+FFFF are no characters) and
# invisible zero-width spaces; tabs become spaces.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff\u200b\u2060\ufeff\ud800-\udfff]")


def clean_text(text: str) -> str:
    return _UNPRINTABLE.sub("", (text or "").replace("\t", " "))


def _md(text: str) -> str:
    """User text as Markdown that shows it as written, and nothing more."""
    escaped = _MD_ANYWHERE.sub(r"\\\1", " ".join(text.split()))
    return _MD_NUMBERED.sub(r"\1\\\2", _MD_LIST_MARK.sub(r"\\\1", escaped))


def render_markdown(blocks: list[Block]) -> str:
    prefix = {TITLE: "# ", HEADING: "## ", ENTRY: "### ", BULLET: "- "}
    lines: list[str] = []
    for kind, text in blocks:
        if kind in (TITLE, HEADING, ENTRY) and lines:
            lines.append("")
        lines.append(prefix.get(kind, "") + _md(text))
        if kind in (TITLE, HEADING, ENTRY, PARAGRAPH):
            lines.append("")
    return "\n".join(_squeeze(lines)) + "\n"


def render_text(blocks: list[Block]) -> str:
    lines: list[str] = []
    for kind, text in blocks:
        text = text.strip()
        if kind == HEADING:
            lines += ["", text, "-" * len(text)]
        elif kind == ENTRY:
            lines += ["", text]
        elif kind == BULLET:
            lines.append(f"- {text}")
        elif kind == PARAGRAPH:
            lines += [text, ""]
        else:
            lines.append(text)
    return "\n".join(_squeeze(lines)).strip() + "\n"


def _squeeze(lines: list[str]) -> list[str]:
    """No two blank lines in a row."""
    return [x for i, x in enumerate(lines) if x or (i and lines[i - 1])]


def document_export(
    *, blocks: list[Block], file_format: str, paper: str, title: str, author: str, stem: str
) -> ExportedFile:
    blocks = [(kind, clean_text(text)) for kind, text in blocks]
    title, author = clean_text(title), clean_text(author)
    if file_format == "pdf":
        body = render_pdf(blocks, paper=paper, title=title, author=author)
    elif file_format == "docx":
        body = render_docx(blocks, paper=paper, title=title, author=author)
    elif file_format == "md":
        body = render_markdown(blocks).encode()
    else:
        body = render_text(blocks).encode()
    return ExportedFile(body, FORMATS[file_format], f"{stem}.{file_format}")


def file_stem(*parts: str, fallback: str) -> str:
    """A readable file name (Unicode kept: the Content-Disposition header encodes it)."""
    return "-".join(s for s in (slugify(p or "", allow_unicode=True) for p in parts) if s) or (
        fallback
    )


def cv_export(*, user: object, draft_id: int, file_format: str, paper: str) -> ExportedFile:
    """One of the user's CV drafts (its latest version) as a file."""
    from .selectors import cv_draft_get

    draft = cv_draft_get(user=user, draft_id=draft_id)
    cv = draft.content
    name = (cv.get("header") or {}).get("name") or ""
    company = (cv.get("target") or {}).get("company") or ""
    return document_export(
        blocks=cv_blocks(cv),
        file_format=file_format,
        paper=paper,
        title=_join(name, "CV", sep=" – "),
        author=name,
        stem=file_stem(name, "cv", company, fallback=f"cv-{draft.pk}"),
    )
