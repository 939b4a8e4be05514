"""CVs (and, through letters.export, cover letters) as files an applicant tracking system reads.

A document is first laid out as a list of blocks (title, heading, entry, bullet, ...), then
rendered to PDF, DOCX, Markdown or plain text. Every format is one column of real text in
reading order, with the standard section headings (Summary, Experience, Education, Skills,
Certifications): ATS parsers split a CV on those words and lose text kept in images, tables
or side columns.

PDF: fpdf2 with DejaVu Sans embedded (subset) — a TrueType font with Latin, Greek and
Cyrillic, so "é", "ł", "ş" and "Жанна" print and copy out as themselves; fpdf2 writes a
ToUnicode map for it, which is what keeps the text selectable and searchable. DOCX:
python-docx with Word's built-in Title, Heading 1 and List Bullet styles, which parsers
recognise as structure.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from core.errors import AppError

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
PAPERS = ("a4", "letter")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

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


class ExportUnavailable(AppError):
    code, status = "EXPORT_UNAVAILABLE", 503
    default_message = "This export format is not available on this server."


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


def _font_paths() -> dict[str, Path]:
    folder = Path(settings.EXPORT_FONT_DIR)
    paths = {style: folder / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise ExportUnavailable(
            "PDF export needs the DejaVu Sans fonts, which this server lacks "
            f"({', '.join(missing)}). An admin can install Debian's fonts-dejavu-core or set "
            "EXPORT_FONT_DIR. DOCX, Markdown and text exports work without them."
        )
    return paths


def render_pdf(blocks: list[Block], *, paper: str, title: str, author: str) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(unit="mm", format="Letter" if paper == "letter" else "A4")
    for style, path in _font_paths().items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("AI Orchestrator")
    pdf.set_margins(left=18, top=16, right=18)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    # Left-aligned: justified lines stretch the spaces, which some parsers read as columns.
    line = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT, "align": "L"}
    previous = ""
    for kind, text in blocks:
        if kind == PARAGRAPH and previous == ENTRY:
            pdf.ln(2)  # a letter's subject line stands apart from its greeting
        previous = kind
        if kind == TITLE:
            pdf.set_font("DejaVu", "B", 18)
            pdf.multi_cell(0, 8, text, **line)
        elif kind == SUBTITLE:
            pdf.set_font("DejaVu", "", 10.5)
            pdf.multi_cell(0, 5.5, text, **line)
        elif kind == HEADING:
            pdf.ln(4)
            pdf.set_font("DejaVu", "B", 12.5)
            pdf.multi_cell(0, 7, text, **line)
            pdf.set_draw_color(150, 150, 150)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(1.5)
        elif kind == ENTRY:
            pdf.ln(1.5)
            pdf.set_font("DejaVu", "B", 10.5)
            pdf.multi_cell(0, 5.5, text, **line)
        elif kind == META:
            pdf.set_font("DejaVu", "", 9.5)
            pdf.set_text_color(80, 80, 80)
            pdf.multi_cell(0, 5, text, **line)
            pdf.set_text_color(0, 0, 0)
        elif kind == BULLET:
            pdf.set_font("DejaVu", "", 10.5)
            pdf.cell(5, 5.5, "•")
            pdf.multi_cell(0, 5.5, text, **line)
        else:
            pdf.set_font("DejaVu", "", 10.5)
            pdf.multi_cell(0, 5.5, text, **line)
            pdf.ln(2)
    return bytes(pdf.output())


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


_MD_LINE_START = re.compile(r"^([#>*+-]|\d+[.)])")


def _md(text: str) -> str:
    # Only what would turn a line into a heading, quote or list item needs escaping.
    return _MD_LINE_START.sub(r"\\\1", text.strip())


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
