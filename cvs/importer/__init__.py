"""Reading a CV the user already has (PDF, DOCX, text, Markdown or a LinkedIn data export) into
a draft of their master profile, without AI: `cv_file_read` is this package's front."""

from __future__ import annotations

import io
import zipfile

from .documents import docx_lines, text_lines
from .errors import FileRefused, NoTextLayer, NothingRead
from .linkedin import is_linkedin_export, linkedin_parse
from .parse import LOW_CONFIDENCE, ParsedCV, cv_parse
from .pdf import pdf_lines

__all__ = [
    "LOW_CONFIDENCE",
    "FileRefused",
    "NoTextLayer",
    "NothingRead",
    "ParsedCV",
    "cv_file_read",
]

MAX_BYTES = 10 * 1024 * 1024
FORMATS = ("pdf", "docx", "txt", "md", "linkedin")


def file_format(*, filename: str, body: bytes) -> str:
    """The format the file's name claims; its bytes are checked by the reader of that format."""
    suffix = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if suffix == "pdf":
        return "pdf"
    if suffix == "docx":
        return "docx"
    if suffix in ("txt", "text"):
        return "txt"
    if suffix in ("md", "markdown"):
        return "md"
    if suffix == "zip":
        return "linkedin"
    if body.startswith(b"%PDF-"):
        return "pdf"
    raise FileRefused(
        "Upload a PDF, DOCX, plain text (.txt), Markdown (.md) or a LinkedIn data export (.zip)."
    )


def cv_file_read(*, filename: str, body: bytes) -> tuple[str, ParsedCV]:
    """The file's format and what could be read from it. FileRefused for a file that is not
    what its name says, encrypted, damaged or over the limits; NoTextLayer for a scanned PDF;
    NothingRead when no field at all could be read: never an empty draft."""
    if len(body) > MAX_BYTES:
        raise FileRefused("This file is larger than 10 MB.")
    if not body:
        raise FileRefused("This file is empty.")
    kind = file_format(filename=filename, body=body)
    if kind == "linkedin":
        parsed = _linkedin(body)
    elif kind == "pdf":
        parsed = cv_parse(pdf_lines(body))
    elif kind == "docx":
        parsed = cv_parse(docx_lines(body))
    else:
        parsed = cv_parse(text_lines(body, markdown=kind == "md"))
    if not any(parsed.draft.get(key) for key in ("basics", "work", "education", "skills")):
        raise NothingRead()
    return kind, parsed


def _linkedin(body: bytes) -> ParsedCV:
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileRefused("This file is not a ZIP archive, whatever its name says.") from exc
    with archive:
        if any(info.flag_bits & 0x1 for info in archive.infolist()):
            raise FileRefused("This ZIP is encrypted; upload the export as LinkedIn sent it.")
        if not is_linkedin_export(archive):
            raise FileRefused(
                "This ZIP is not a LinkedIn data export (no Profile.csv or Positions.csv in it)."
            )
        return linkedin_parse(archive)
