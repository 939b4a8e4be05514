"""A person's data: deleting an account, the tombstone its usage rows are kept under, the
retention purge, and the audit trail of staff who exported, deleted or opened it."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from applications.models import Application, InterviewPrep, InterviewPrepVersion
from core.errors import AppError, InvalidInput
from cvs.models import CVDraft, CVDraftVersion
from jobs.models import Job
from letters.models import CoverLetter, CoverLetterVersion
from orchestrator.models import UsageLog
from orchestrator.snapshot import forget_plan
from usage.models import UsageDailyUser, UsageMonthlyUser

from .models import AuditEvent

logger = logging.getLogger(__name__)

TOMBSTONE_PREFIX = "deleted-"


class WrongPassword(AppError):
    code, status = "FORBIDDEN", 403
    default_message = "The password is wrong; the account was not deleted."


def account_delete(*, user: Any, password: Any) -> None:
    """The user deletes their own account: the password again, then user_delete."""
    if not isinstance(password, str) or not password:
        raise InvalidInput("password: give your password to delete your account.")
    if not user.check_password(password):
        raise WrongPassword()
    user_delete(user=user)


def user_delete(*, user: Any, staff: Any = None) -> None:
    """Delete the account and everything it owns (profile, jobs, drafts, letters, tasks,
    subscriptions, quota counters, tokens: they cascade). Its usage rows stay for accounting
    under a tombstone (usage_tombstone). With `staff`, the deletion is on the audit trail."""
    user_id = user.pk
    with transaction.atomic():
        if staff is not None:
            audit_record(
                staff=staff,
                action=AuditEvent.Action.DELETE,
                subject=f"user {user_id}",  # no name: the trail outlives the account
                subject_user_id=user_id,
            )
        user.delete()
    forget_plan(user_id=user_id)  # the plan code cached for the user goes too


def usage_tombstone(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Before a user is deleted (pre_delete, however it happens): their usage rows and usage
    rollups move to a new tombstone user, which keeps no name, email or password; the rows
    keep their plan, tokens and cost, so every report's totals stay as they were."""
    if not UsageLog.objects.filter(user_id=instance.pk).exists():
        return
    tombstone = get_user_model()(
        username=f"{TOMBSTONE_PREFIX}{uuid.uuid4().hex[:12]}", is_active=False
    )
    tombstone.set_unusable_password()
    tombstone.save()
    UsageLog.objects.filter(user_id=instance.pk).update(user_id=tombstone.pk)
    UsageDailyUser.objects.filter(user_id=instance.pk).update(user_id=tombstone.pk)
    UsageMonthlyUser.objects.filter(user_id=instance.pk).update(user_id=tombstone.pk)


def audit_record(*, staff: Any, action: str, subject: str, subject_user_id: Any) -> AuditEvent:
    return AuditEvent.objects.create(
        staff=staff,
        staff_username=staff.get_username(),
        action=action,
        subject=subject[:300],
        subject_user_id=subject_user_id,
    )


def audit_staff_opened(sender: Any, **event: Any) -> None:
    """core.audit.staff_opened's receiver: the admin page that opened the data sent it."""
    audit_record(
        staff=event["staff"],
        action=event["action"],
        subject=event["subject"],
        subject_user_id=event["subject_user_id"],
    )


def data_retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what nobody touched for DATA_RETENTION_DAYS (0: keep everything): drafts and
    letters with no version since, older versions of the documents that stay, then jobs
    left with no document. Returns how many of each went."""
    days = settings.DATA_RETENTION_DAYS
    if not days:
        return {}
    cutoff = (now or timezone.now()) - timedelta(days=days)
    # What an application sent is its record: a document an application names, the version
    # it pinned and the application's job stay however old they are.
    kinds = (
        ("cv_drafts", CVDraft, CVDraftVersion, "draft", "cv"),
        ("cover_letters", CoverLetter, CoverLetterVersion, "letter", "letter"),
        ("interview_preps", InterviewPrep, InterviewPrepVersion, "prep", None),
    )
    purged = {"cv_drafts": 0, "cover_letters": 0, "interview_preps": 0, "versions": 0, "jobs": 0}
    with transaction.atomic():
        for name, documents, versions, parent, pinned_as in kinds:
            untouched = documents.objects.filter(created_at__lt=cutoff).exclude(
                versions__created_at__gte=cutoff
            )
            old = versions.objects.filter(created_at__lt=cutoff).exclude(
                # Of the documents that stay, the current version stays however old it is.
                number=F(f"{parent}__version")
            )
            if pinned_as:
                untouched = untouched.filter(applications__isnull=True)
                pinned = Application.objects.filter(
                    **{pinned_as: OuterRef(parent), f"{pinned_as}_version": OuterRef("number")}
                )
                old = old.exclude(Exists(pinned))
            deleted = untouched.delete()[1]
            purged[name] = deleted.get(documents._meta.label, 0)
            purged["versions"] += deleted.get(versions._meta.label, 0)
            purged["versions"] += old.delete()[0]
        jobs = Job.objects.filter(updated_at__lt=cutoff).filter(
            Q(cv_drafts__isnull=True) & Q(cover_letters__isnull=True) & Q(applications__isnull=True)
        )
        purged["jobs"] = jobs.delete()[1].get(Job._meta.label, 0)
    logger.info(
        "Retention purge (%s days): %s",
        days,
        ", ".join(f"{count} {name}" for name, count in purged.items()),
    )
    return purged
