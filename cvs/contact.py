"""A CV's header: the candidate's contact details are the profile's, filled in after the AI
answered (documents.selectors says why)."""

from __future__ import annotations

from documents.selectors import profile_contact


def cv_header_fill(cv: dict, profile: dict) -> dict:
    """The CV with its header's contact details replaced by the profile's (the headline, which
    the fact check reads, stays)."""
    header = cv.get("header") if isinstance(cv.get("header"), dict) else {}
    return {**cv, "header": {"headline": header.get("headline") or "", **profile_contact(profile)}}
