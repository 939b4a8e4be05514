"""Why an uploaded CV cannot be read: a clear 4xx each, never a 500 nor an empty profile."""

from __future__ import annotations

from core.errors import AppError, NoTextLayer

__all__ = ["FileRefused", "NoTextLayer", "NothingRead"]


class FileRefused(AppError):
    """The file is not what its type says, is encrypted, damaged or over the limits."""

    code, status = "UNREADABLE_FILE", 422
    default_message = "This file cannot be read as a CV."


class NothingRead(AppError):
    code, status = "NOTHING_READ", 422
    default_message = (
        "No CV fields were found in this file (no name, contact, experience, education or "
        "skills). Upload the CV itself as PDF, DOCX, text or a LinkedIn data export."
    )
