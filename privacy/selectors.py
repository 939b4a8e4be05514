"""What the service holds about one user, as one JSON document (their export)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from applications.models import Application, InterviewPrep
from billing.models import Subscription, UserLimits
from cvs.models import CVDraft, ProfileImport, ProfileVersion
from documents.models import MasterProfile
from jobs.models import Job
from letters.models import CoverLetter
from orchestrator.models import AITask, UsageLog
from orchestrator.snapshot import plan_for_user

ACCOUNT_FIELDS = ["id", "username", "email", "first_name", "last_name", "date_joined"]
DOCUMENT_FIELDS = [
    "id",
    "job_id",
    "content",
    "warnings",
    "version",
    "profile_version",
    "created_at",
    "prompt_version",
    "provider_type",
    "model",
]
VERSION_FIELDS = ["number", "content", "warnings", "edited_by_user", "created_at"]
USAGE_FIELDS = [
    "created_at",
    "task_type",
    "provider_type",
    "model",
    "plan",
    "tier",
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "total_tokens",
    "cost_usd",
    "latency_ms",
    "status",
    "error_code",
    "cache_hit",
    "request_id",
    "attempt",
]


def user_data_export(*, user: Any) -> dict[str, Any]:
    """The account, plan, profile, jobs, CV drafts and letters with every version, applications
    with their status history, interview preps, background tasks and usage rows of `user`:
    everything the service keeps about them, as plain JSON
    (times in ISO 8601, money as decimal strings)."""
    profile = MasterProfile.objects.filter(user=user).values("data", "version", "updated_at")
    plan = plan_for_user(user=user)
    document = {
        "exported_at": timezone.now(),
        "account": {
            **{field: getattr(user, field) for field in ACCOUNT_FIELDS},
            "last_login": user.last_login,
        },
        "plan": {
            "code": plan.code,
            "name": plan.name,
            "subscriptions": _rows(
                Subscription.objects.filter(user=user).order_by("pk"),
                [
                    "plan__code",
                    "status",
                    "current_period_start",
                    "current_period_end",
                    "created_at",
                ],
            ),
            "own_limits": _rows(UserLimits.objects.filter(user=user), _fields(UserLimits)),
        },
        "profile": profile.first(),
        "profile_versions": _rows(
            ProfileVersion.objects.filter(owner=user).order_by("number"), _fields(ProfileVersion)
        ),
        "profile_imports": _rows(
            ProfileImport.objects.filter(owner=user).order_by("pk"), _fields(ProfileImport)
        ),
        "jobs": _rows(Job.objects.filter(owner=user).order_by("pk"), _fields(Job)),
        "cv_drafts": _documents(CVDraft.objects.filter(owner=user)),
        "cover_letters": _documents(CoverLetter.objects.filter(owner=user), "tone"),
        "applications": _applications(user),
        "interview_preps": _documents(InterviewPrep.objects.filter(owner=user), "application_id"),
        "background_tasks": _rows(
            AITask.objects.filter(owner=user).order_by("created_at"),
            ["id", "kind", "params", "status", "result", "error_code", "created_at"],
        ),
        "usage": _rows(UsageLog.objects.filter(user=user).order_by("created_at"), USAGE_FIELDS),
    }
    return json.loads(json.dumps(document, cls=DjangoJSONEncoder))


def _applications(user: Any) -> list[dict[str, Any]]:
    applications = Application.objects.filter(owner=user).order_by("pk").prefetch_related("history")
    return [
        {
            **{field: getattr(a, field) for field in _fields(Application)},
            "history": [
                {"from_status": h.from_status, "to_status": h.to_status, "at": h.changed_at}
                for h in a.history.all()
            ],
        }
        for a in applications
    ]


def _fields(model: Any) -> list[str]:
    hidden = {"owner", "user"}
    return [f.attname for f in model._meta.concrete_fields if f.name not in hidden]


def _rows(queryset: QuerySet, fields: list[str]) -> list[dict[str, Any]]:
    return list(queryset.values(*fields))


def _documents(queryset: QuerySet, *extra: str) -> list[dict[str, Any]]:
    documents = list(queryset.order_by("pk").prefetch_related("versions"))
    return [
        {
            **{field: getattr(item, field) for field in [*DOCUMENT_FIELDS, *extra]},
            "versions": [
                {field: getattr(v, field) for field in VERSION_FIELDS} for v in item.versions.all()
            ],
        }
        for item in documents
    ]
