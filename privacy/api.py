"""A user's own data over HTTP: download it all, or delete the account."""

from __future__ import annotations

from typing import Any

from django.utils.http import content_disposition_header
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from core.api import SafeJSONParser, envelope
from core.openapi import enveloped, error_responses

from . import selectors, services


class DataExportThrottle(UserRateThrottle):
    scope = "data_export"

    def get_rate(self) -> str | None:
        # Read at request time, not import time, so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


def _rows(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.DictField(), help_text=help_text)


DATA_EXPORT = inline_serializer(
    name="DataExport",
    fields={
        "exported_at": serializers.DateTimeField(),
        "account": serializers.DictField(help_text="Username, email, names, dates."),
        "plan": serializers.DictField(help_text="Plan, subscriptions and own limits."),
        "profile": serializers.DictField(allow_null=True, help_text="null before you make one."),
        "profile_versions": _rows("Every saved state of your profile."),
        "profile_imports": _rows("Every CV you imported, as it was read."),
        "jobs": _rows("Every job, with every field."),
        "cv_drafts": _rows("Every CV draft, with its versions."),
        "cover_letters": _rows("Every cover letter, with its versions."),
        "applications": _rows("Every application, with its status history."),
        "interview_preps": _rows("Every interview prep, with its versions."),
        "background_tasks": _rows("Every background AI task."),
        "usage": _rows("Every usage row of yours."),
    },
)


class MeExportView(APIView):
    throttle_classes = [DataExportThrottle]

    @extend_schema(
        operation_id="me_export",
        summary="Everything the service holds about you, as one JSON document.",
        description="Your account, plan, master profile, jobs, CV drafts, cover letters and "
        "interview preps with every version, applications with their status history, "
        "background tasks and usage rows. Rate-limited "
        "(`DATA_EXPORT_RATE`, 5 an hour by default).",
        responses={200: enveloped("DataExportEnvelope", DATA_EXPORT), **error_responses(401, 429)},
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        response = envelope(selectors.user_data_export(user=request.user))
        name = f"ai-orchestrator-data-{request.user.pk}.json"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False)


class _DeleteWithBody(AutoSchema):
    """drf-spectacular documents a body for POST, PUT and PATCH only; this DELETE takes one
    (the password), so its schema is made as a POST's would be."""

    def _get_request_body(self, direction: str = "request") -> Any:
        method, self.method = self.method, "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = method


class MeView(APIView):
    parser_classes = [SafeJSONParser]
    schema = _DeleteWithBody()
    throttle_classes = [DataExportThrottle]  # a stolen token must not guess the password

    @extend_schema(
        operation_id="me_delete",
        summary="Delete your account and everything it owns.",
        description="Send your password in the body. Your profile, jobs, drafts, letters, "
        "tasks, plan and quota counters are deleted and your tokens stop working at once. "
        "Usage rows are kept for accounting under an anonymous tombstone (plan and cost, no "
        "identity).",
        request=AccountDeleteSerializer,
        responses={
            200: enveloped("AccountDeletedEnvelope", None),
            **error_responses(400, 401, 403, 429),
        },
        tags=["me"],
    )
    def delete(self, request: Request) -> Response:
        form = AccountDeleteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.account_delete(user=request.user, password=form.validated_data["password"])
        return envelope(None, message="Your account and its data are deleted.")
