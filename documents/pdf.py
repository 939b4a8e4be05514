"""PDF rendering of an export's blocks (documents.export), in every script a user writes in.

fpdf2 embeds a subset of each TrueType/OpenType font it uses and writes its ToUnicode map, so
the text stays selectable and searchable by applicant tracking systems. The main font is Noto
Sans (Latin, Greek, Cyrillic; Debian's fonts-noto-core); a character it lacks is drawn from
the first Noto font that has it (fonts-noto-cjk for Chinese, Japanese and Korean, Noto Sans
Arabic, Devanagari, Hebrew, Thai, ... and DejaVu Sans for symbols), added to the document only
when its text needs one. Right-to-left and complex scripts (Arabic, Hebrew, the Indic scripts,
Thai) are shaped by HarfBuzz (fpdf2's text shaping, through uharfbuzz), only in the blocks
that hold them: shaping costs several times plain rendering.

A character no installed font can draw is never dropped silently: the export is refused with
422 EXPORT_UNAVAILABLE naming it.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from pathlib import Path

from django.conf import settings

from core.errors import AppError

# (family, regular, bold, face number in a collection), relative to EXPORT_FONT_DIR.
MAIN_FONT = ("NotoSans", "truetype/noto/NotoSans-Regular.ttf", "truetype/noto/NotoSans-Bold.ttf")
# Searched in this order for a character the main font lacks; every other NotoSans*-Regular
# of the folder follows them.
FALLBACKS = [
    # Face 2 of the collection is Simplified Chinese; it has the Japanese kana and Korean too.
    (
        "NotoSansCJK",
        "opentype/noto/NotoSansCJK-Regular.ttc",
        "opentype/noto/NotoSansCJK-Bold.ttc",
        2,
    ),
    ("NotoSansArabic", "truetype/noto/NotoSansArabic-Regular.ttf", "", 0),
    ("NotoSansHebrew", "truetype/noto/NotoSansHebrew-Regular.ttf", "", 0),
    ("NotoSansDevanagari", "truetype/noto/NotoSansDevanagari-Regular.ttf", "", 0),
    ("NotoSansBengali", "truetype/noto/NotoSansBengali-Regular.ttf", "", 0),
    ("NotoSansTamil", "truetype/noto/NotoSansTamil-Regular.ttf", "", 0),
    ("NotoSansThai", "truetype/noto/NotoSansThai-Regular.ttf", "", 0),
    ("NotoSansSymbols", "truetype/noto/NotoSansSymbols-Regular.ttf", "", 0),
    ("DejaVuSans", "truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Bold.ttf", 0),
]
# Scripts HarfBuzz must shape: right-to-left, or letters that join and reorder.
_NEEDS_SHAPING = re.compile(
    "[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff"
    "\ufb1d-\ufdff\ufe70-\ufeff]"
)
# Invisible characters that need no glyph (zero-width joiners are kept for the shaper).
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD}


# fontTools reports every table of every subset it writes at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class ExportUnavailable(AppError):
    code, status = "EXPORT_UNAVAILABLE", 503
    default_message = "This export format is not available on this server."


class ExportCannotDraw(AppError):
    code, status = "EXPORT_UNAVAILABLE", 422
    default_message = "Some characters of this document cannot be drawn in a PDF."


class ExportTooSlow(AppError):
    code, status = "EXPORT_UNAVAILABLE", 422
    default_message = "This document took too long to lay out as a PDF."


def _font_dir() -> Path:
    return Path(settings.EXPORT_FONT_DIR)


def _main_paths() -> tuple[Path, Path]:
    folder = _font_dir()
    regular, bold = folder / MAIN_FONT[1], folder / MAIN_FONT[2]
    missing = [str(p) for p in (regular, bold) if not p.is_file()]
    if missing:
        raise ExportUnavailable(
            "PDF export needs the Noto Sans fonts, which this server lacks "
            f"({', '.join(missing)}). An admin can install Debian's fonts-noto-core and "
            "fonts-noto-cjk (make install does) or set EXPORT_FONT_DIR. DOCX, Markdown and "
            "text exports work without them."
        )
    return regular, bold


@functools.cache
def _coverage(path: str, number: int) -> frozenset[int]:
    """The code points a font file has glyphs for (read once per process)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=number, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@functools.cache
def _fallbacks(folder: str) -> tuple[tuple[str, str, str, int], ...]:
    """The fallback fonts installed in `folder`: the listed ones first, then every other Noto
    Sans script font there."""
    root = Path(folder)
    found = [f for f in FALLBACKS if (root / f[1]).is_file()]
    listed = {f[1] for f in FALLBACKS}
    for path in sorted((root / "truetype/noto").glob("NotoSans?*-Regular.ttf")):
        relative = str(path.relative_to(root))
        if relative not in listed and not re.search(r"Display|Mono|Unjoined", path.name):
            bold = relative.replace("-Regular", "-Bold")
            found.append((path.name.split("-")[0], relative, bold, 0))
    return tuple(found)


def fonts_for(text: str) -> list[tuple[str, str, str, int]]:
    """The fallback fonts the text needs; ExportCannotDraw naming what none of them has."""
    regular, _ = _main_paths()
    needed = {ord(ch) for ch in text if ch.isprintable() or ch == "\u00a0"} - _INVISIBLE
    needed -= _coverage(str(regular), 0)
    chosen = []
    for family, path, bold, number in _fallbacks(str(_font_dir())) if needed else ():
        drawn = needed & _coverage(str(_font_dir() / path), number)
        if drawn:
            chosen.append((family, path, bold, number))
            needed -= drawn
        if not needed:
            break
    if needed:
        shown = ", ".join(f"{chr(c)} (U+{c:04X})" for c in sorted(needed)[:10])
        raise ExportCannotDraw(
            f"No font on this server can draw these characters, so a PDF would lose them: "
            f"{shown}{' and more' if len(needed) > 10 else ''}. Export as DOCX, Markdown or "
            "text, or ask an admin to install a font for them."
        )
    return chosen


def _new_document(*, paper: str, title: str, author: str, text: str):
    from fpdf import FPDF

    regular, bold = _main_paths()
    pdf = FPDF(unit="mm", format="Letter" if paper == "letter" else "A4")
    pdf.add_font("Main", "", str(regular))
    pdf.add_font("Main", "B", str(bold))
    families = []
    for family, path, bold_path, number in fonts_for(text):
        pdf.add_font(family, "", str(_font_dir() / path), collection_font_number=number)
        if bold_path and (_font_dir() / bold_path).is_file():
            pdf.add_font(family, "B", str(_font_dir() / bold_path), collection_font_number=number)
        families.append(family)
    if families:
        pdf.set_fallback_fonts(families, exact_match=False)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("AI Orchestrator")
    pdf.set_margins(left=18, top=16, right=18)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    return pdf


# Per block kind: (style, size, line height, space before, space after, grey).
_LOOKS = {
    "title": ("B", 18, 8, 0, 0, False),
    "subtitle": ("", 10.5, 5.5, 0, 0, False),
    "heading": ("B", 12.5, 7, 4, 1.5, False),
    "entry": ("B", 10.5, 5.5, 1.5, 0, False),
    "meta": ("", 9.5, 5, 0, 0, True),
    "bullet": ("", 10.5, 5.5, 0, 0, False),
    "paragraph": ("", 10.5, 5.5, 0, 2, False),
}


def _draw_block(pdf, kind: str, text: str, previous: str) -> None:
    from fpdf.enums import XPos, YPos

    style, size, height, before, after, grey = _LOOKS.get(kind, _LOOKS["paragraph"])
    if kind == "paragraph" and previous == "entry":
        before = 2  # a letter's subject line stands apart from its greeting
    pdf.ln(before) if before else None
    pdf.set_text_shaping(bool(_NEEDS_SHAPING.search(text)))
    pdf.set_font("Main", style, size)
    pdf.set_text_color(*((80, 80, 80) if grey else (0, 0, 0)))
    if kind == "bullet":
        pdf.cell(5, height, "•")
    # Left-aligned: justified lines stretch the spaces, which some parsers read as columns.
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if kind == "heading":
        pdf.set_draw_color(150, 150, 150)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(after) if after else None


def _refuse_missing_glyphs(pdf) -> None:
    """fpdf2 only logs a glyph no font had; a file without those characters is refused."""
    fonts = pdf.fonts.values()
    missing = sorted({c for font in fonts for c in getattr(font, "missing_glyphs", [])})
    if missing:
        shown = ", ".join(f"{chr(c)} (U+{c:04X})" for c in missing[:10])
        raise ExportCannotDraw(f"No font on this server can draw these characters: {shown}.")


def render_pdf(blocks: list[tuple[str, str]], *, paper: str, title: str, author: str) -> bytes:
    text = "".join(t for _, t in blocks) + title + author
    pdf = _new_document(paper=paper, title=title, author=author, text=text)
    deadline = time.monotonic() + float(settings.EXPORT_MAX_SECONDS)
    previous = ""
    for kind, block_text in blocks:
        if time.monotonic() > deadline:
            raise ExportTooSlow(
                f"Laying this document out as a PDF took over {settings.EXPORT_MAX_SECONDS} s; "
                "shorten it, or export it as DOCX, Markdown or text."
            )
        _draw_block(pdf, kind, block_text, previous)
        previous = kind
    body = bytes(pdf.output())
    _refuse_missing_glyphs(pdf)
    return body
