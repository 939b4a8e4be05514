"""PDF to lines, from the position of every character (pdfminer.six, without its layout
analysis, which is slow and joins side columns into one line).

Spaces are rebuilt from the gaps between characters: LaTeX output often has no space glyphs,
and plain text extraction then reads "WorkExperience". A page whose characters leave one
empty vertical band with text on both sides is read as two columns, the left one first.
"""

from __future__ import annotations

import io
import statistics
import unicodedata
from dataclasses import dataclass

from .errors import FileRefused, NoTextLayer
from .lines import FIELD_SEPARATOR, Line, strip_bullet

MAX_PAGES = 10
# A gap wider than this share of the font size is a space; wider than FIELD_GAP, two fields.
SPACE_GAP = 0.1
FIELD_GAP = 1.6


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    y: float  # baseline-ish: the bottom of the glyph box
    size: float
    bold: bool


def pdf_lines(body: bytes) -> list[Line]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import PSException

    if not body.startswith(b"%PDF-"):
        raise FileRefused("This file is not a PDF, whatever its name says.")
    try:
        document = PDFDocument(PDFParser(io.BytesIO(body)))
        if document.encryption and not getattr(document, "is_extractable", True):
            raise FileRefused("This PDF is protected against copying its text.")
        pages = list(PDFPage.create_pages(document))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise FileRefused("This PDF is encrypted; upload it without a password.") from exc
    except (PDFSyntaxError, PSException, ValueError, TypeError, KeyError) as exc:
        raise FileRefused("This PDF is damaged and cannot be read.") from exc
    except Exception as exc:  # pdfminer raises many bare types on broken files
        raise FileRefused("This PDF is damaged and cannot be read.") from exc
    if not pages:
        raise FileRefused("This PDF has no pages.")
    if len(pages) > MAX_PAGES:
        raise FileRefused(f"This PDF has {len(pages)} pages; a CV may have at most {MAX_PAGES}.")
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    lines: list[Line] = []
    for number, page in enumerate(pages):
        try:
            interpreter.process_page(page)
        except Exception as exc:
            raise FileRefused("This PDF is damaged and cannot be read.") from exc
        chars = list(_chars(device.get_result()))
        width = float(page.mediabox[2] - page.mediabox[0]) if page.mediabox else 612.0
        lines += _page_lines(chars, width=width, page=number)
    if not any(line.text.strip() for line in lines):
        raise NoTextLayer()
    return lines


def _chars(container: object) -> list[Char]:
    from pdfminer.layout import LTChar, LTContainer

    found: list[Char] = []
    stack = [container]
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            text = item.get_text()
            # Icon fonts (Font Awesome) map to the private use area: no text to keep.
            if (
                text.strip()
                and not text.startswith("(cid:")
                and not "\ue000" <= text[0] <= "\uf8ff"
            ):
                font = item.fontname.lower()
                bold = "bold" in font or "black" in font or "cmbx" in font or "heavy" in font
                found.append(Char(text, item.x0, item.x1, item.y0, item.size, bold))
        elif isinstance(item, LTContainer):
            stack.extend(item)
    return found


def _page_lines(chars: list[Char], *, width: float, page: int) -> list[Line]:
    if not chars:
        return []
    split = _column_split(chars, width=width)
    if split is None:
        return _lines(chars, page=page)
    left = [c for c in chars if c.x1 <= split]
    right = [c for c in chars if c.x1 > split]
    return _lines(left, page=page) + _lines(right, page=page)


def _column_split(chars: list[Char], *, width: float) -> float | None:
    """The x of an empty vertical band between 20% and 80% of the page with at least a fifth of
    the text on each side, or None for a one-column page. A band crossed by a few lines (a
    full-width name on top) still counts; right-aligned dates beside one column of text are
    too little text to count as a column."""
    step = 3.0
    bins = int(width / step) + 2
    crossing = [0] * bins
    for c in chars:
        for b in range(max(0, int(c.x0 / step)), min(bins, int(c.x1 / step) + 1)):
            crossing[b] += 1
    total = len(chars)
    # A line crossing the band puts about one character in each of its bins: a gutter is
    # crossed by a couple of lines at most (a full-width name), never by the body text.
    rows = len({round(c.y) for c in chars})
    allowed = max(2, int(rows * 0.03))
    best: tuple[int, float] | None = None
    run = 0
    for b in range(int(0.2 * bins), int(0.8 * bins)):
        if crossing[b] <= allowed:
            run += 1
            if run >= 4:  # 12 pt of nothing
                x = (b - run / 2) * step
                left = sum(1 for c in chars if c.x1 <= x)
                if min(left, total - left) >= total * 0.2:
                    if best is None or run > best[0]:
                        best = (run, x)
        else:
            run = 0
    return best[1] if best else None


def _lines(chars: list[Char], *, page: int) -> list[Line]:
    chars = sorted(chars, key=lambda c: (-c.y, c.x0))
    rows: list[list[Char]] = []
    for c in chars:
        for row in rows[-3:]:
            ref = row[0]
            if abs(ref.y - c.y) <= 0.3 * max(min(ref.size, c.size), 1.0):
                row.append(c)
                break
        else:
            rows.append([c])
    rows.sort(key=lambda row: -statistics.median(c.y for c in row))
    return [line for row in rows if (line := _line(row, page=page))]


def _line(row: list[Char], *, page: int) -> Line | None:
    row.sort(key=lambda c: c.x0)
    size = statistics.median(c.size for c in row)
    gaps = [max(0.0, b.x0 - a.x1) for a, b in zip(row, row[1:], strict=False)]
    # Letter-spaced headings ("E X P E R I E N C E") space every glyph: there a word break is
    # a gap clearly wider than the usual one.
    space = max(SPACE_GAP * size, 1.5 * statistics.median(gaps)) if gaps else 0.0
    parts: list[str] = []
    previous: Char | None = None
    for c in row:
        if previous is not None:
            gap = c.x0 - previous.x1
            if gap > max(FIELD_GAP * size, 2 * space):
                parts.append(FIELD_SEPARATOR)
            elif gap > space and parts and not parts[-1].endswith(" "):
                parts.append(" ")
        parts.append(c.text)
        previous = c
    # NFKC: ligatures ("ﬁ") become their letters, as the reader typed them.
    text = unicodedata.normalize("NFKC", "".join(parts)).strip()
    if not text:
        return None
    bold_share = sum(1 for c in row if c.bold) / len(row)
    body, bullet = strip_bullet(text)
    first = row[1] if bullet and len(row) > 1 else row[0]
    return Line(
        text=body.replace("\xad", "-"),
        size=round(size, 1),
        bold=bold_share > 0.6,
        bullet=bullet,
        page=page,
        indent=first.x0,
    )
