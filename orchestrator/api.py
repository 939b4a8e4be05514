"""The task resource: the state and result of an asynchronous AI task."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ModelSerializer, envelope
from core.openapi import enveloped, error_responses

from .edge import ai_task_get
from .models import AITask


class AITaskSerializer(ModelSerializer):
    result = serializers.JSONField(
        allow_null=True, help_text="When succeeded: what the synchronous endpoint returns as data."
    )

    class Meta:
        model = AITask
        fields = [
            "id",
            "kind",
            "status",
            "result",
            "error_code",
            "error_message",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class AITaskDetailView(APIView):
    @extend_schema(
        operation_id="tasks_retrieve",
        summary="An asynchronous AI task: pending, running, succeeded (with result) or failed.",
        responses={
            200: enveloped("AITaskEnvelope", AITaskSerializer()),
            **error_responses(401, 404),
        },
        tags=["tasks"],
    )
    def get(self, request: Request, task_id: Any) -> Response:
        task = ai_task_get(user=request.user, task_id=task_id)
        return envelope(AITaskSerializer(task).data)
