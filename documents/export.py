"""Documents (a CV, a cover letter, an interview prep) as files an applicant tracking system
reads.

Each app lays its document out as a list of blocks (title, heading, entry, bullet, ...):
cvs.export, letters.export, applications.interview.export. This module renders the blocks to
PDF, DOCX, Markdown or plain text. Every format is one column of real text in reading order,
with the standard section headings (Summary, Experience, Education, Skills, Certifications):
ATS parsers split a CV on those words and lose text kept in images, tables or side columns.

PDF: documents.pdf (fpdf2 with the Noto fonts, every script, shaped). DOCX: python-docx with
Word's built-in Title, Heading 1 and List Bullet styles, which parsers recognise as structure.
Markdown: user text is escaped, so a document can add no heading, HTML, link or image of its
own.

Every text is cleaned first: control characters (which a pasted job can carry, and which the
Word format forbids) and invisible zero-width spaces are dropped, so an export always works.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.utils.text import slugify

from .pdf import render_pdf

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
PAPERS = ("a4", "letter")

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


def join_parts(*parts: str | None, sep: str = " | ") -> str:
    """The parts that say something, stripped, joined by `sep`."""
    return sep.join(p.strip() for p in parts if p and p.strip())


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
