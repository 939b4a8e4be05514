from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import envelope
from core.openapi import PAGE_PARAMETERS, enveloped, error_responses, paginated, paginated_response

from . import selectors
from .serializers import UsageLogSerializer, UsageSummarySerializer


class UsageView(APIView):
    @extend_schema(
        operation_id="usage_retrieve",
        summary="Your AI calls, tokens and cost today and this month (UTC), and your plan's "
        "limits.",
        responses={
            200: enveloped("UsageEnvelope", UsageSummarySerializer()),
            **error_responses(401),
        },
        tags=["usage"],
    )
    def get(self, request: Request) -> Response:
        summary = selectors.usage_summary(user=request.user)
        return envelope(UsageSummarySerializer(summary).data)


class UsageLogListView(APIView):
    @extend_schema(
        operation_id="usage_logs_list",
        summary="Your AI calls one by one, newest first.",
        parameters=PAGE_PARAMETERS,
        responses={200: paginated("UsageLogList", UsageLogSerializer), **error_responses(401, 404)},
        tags=["usage"],
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.usage_log_list(user=request.user),
            serializer=UsageLogSerializer,
        )
