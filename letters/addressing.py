"""Who a letter is from and to, and when: filled in by the service after the AI wrote the
letter, from the profile and the job, so no model ever writes a contact detail."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from documents.contact import profile_contact

# "Hiring manager: Jane Doe", "Contact person - Jan Kowalski", "Reports to: Priya Shah".
# A name is two or three capitalised words on the same line.
_NAMED_CONTACT = re.compile(
    r"\b(?i:hiring manager|contact person|contact|recruiter|reports to)[ \t]*(?:is[ \t]*)?"
    r"[:\-–—]?[ \t]*((?:(?:Dr|Ms|Mr|Mrs)\.?[ \t]+)?[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,2})"
)


def hiring_manager_in(texts: list[str]) -> str:
    """The person the texts name as the hiring manager or contact, or ""."""
    for text in texts:
        found = _NAMED_CONTACT.search(text or "")
        if found:
            return found.group(1).strip()
    return ""


def hiring_manager(job: Any) -> str:
    """The person the job names as its hiring manager or contact, or ""."""
    return hiring_manager_in(
        [getattr(job, "description", "") or "", *(getattr(job, "requirements", []) or [])]
    )


def letter_addressing(*, profile: dict, job: Any, today: date | None = None) -> dict:
    """The sender block (the profile's contact details), the date (ISO) and the recipient."""
    return {
        "sender": profile_contact(profile),
        "date": (today or date.today()).isoformat(),
        "recipient": {
            "name": hiring_manager(job),
            "company": getattr(job, "company", "") or "",
            "location": getattr(job, "location", "") or "",
        },
    }
