"""A CV file as lines of text in reading order, with what its typography says about each.

Every reader (PDF, DOCX, text, Markdown) ends here, so the section and entry parsing after it
sees one shape whatever the file was.
"""

from __future__ import annotations

from dataclasses import dataclass

# Two fragments of one line further apart than this (a title left, its dates right-aligned)
# are kept apart by a TAB, which the entry parser reads as a field boundary.
FIELD_SEPARATOR = "\t"


@dataclass
class Line:
    text: str
    size: float = 0.0  # font size in points; 0 when the format does not say
    bold: bool = False
    heading: bool = False  # the file marks it as a heading (DOCX Heading style, Markdown #)
    title: bool = False  # the file marks it as the document's title (DOCX Title, Markdown #)
    bullet: bool = False
    page: int = 0
    indent: float = 0.0  # x of the text's first character (PDF), for wrapped bullets

    @property
    def plain(self) -> str:
        return " ".join(self.text.replace(FIELD_SEPARATOR, " ").split())

    @property
    def fields(self) -> list[str]:
        return [part.strip() for part in self.text.split(FIELD_SEPARATOR) if part.strip()]


BULLET_MARKS = "•●▪◦‣∙·○■□➢➤►▸◆◇♦❖✓✔★→-–*"


def strip_bullet(text: str) -> tuple[str, bool]:
    """The text without a leading bullet mark, and whether it had one."""
    stripped = text.lstrip()
    if stripped[:1] and stripped[0] in BULLET_MARKS and stripped[1:2] in (" ", "\t", ""):
        return stripped[1:].strip(), True
    if stripped[:1] in ("•", "●", "▪", "◦", "➢", "➤", "►", "▸", "■", "◆", "♦", "❖"):
        return stripped[1:].strip(), True
    return stripped, False
