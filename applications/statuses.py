"""Where an application can go from where it is.

An application moves forward through the hiring steps; the user can withdraw and the employer
can reject at any open step. Accepted, rejected and withdrawn are ends: a new attempt at the
same job is a new application.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    SAVED = "saved", "Saved"
    APPLIED = "applied", "Applied"
    SCREENING = "screening", "Screening"
    INTERVIEW = "interview", "Interview"
    OFFER = "offer", "Offer"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


_OPEN_ENDS = {Status.REJECTED, Status.WITHDRAWN}
MOVES: dict[str, set[str]] = {
    Status.SAVED: {Status.APPLIED} | _OPEN_ENDS,
    Status.APPLIED: {Status.SCREENING, Status.INTERVIEW, Status.OFFER} | _OPEN_ENDS,
    Status.SCREENING: {Status.INTERVIEW, Status.OFFER} | _OPEN_ENDS,
    Status.INTERVIEW: {Status.OFFER} | _OPEN_ENDS,
    Status.OFFER: {Status.ACCEPTED} | _OPEN_ENDS,
    Status.ACCEPTED: set(),
    Status.REJECTED: set(),
    Status.WITHDRAWN: set(),
}
# Reaching any of these means the documents sent got the user an interview.
INTERVIEWED = {Status.INTERVIEW, Status.OFFER, Status.ACCEPTED}
# Statuses at which the documents have been sent to the employer.
SENT = set(Status) - {Status.SAVED}


def allowed_moves(current: str) -> list[str]:
    """The statuses `current` may move to, in the order of the hiring steps."""
    return [s.value for s in Status if s in MOVES[current]]
