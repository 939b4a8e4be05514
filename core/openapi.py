"""How every list and every envelope is described to OpenAPI, and paginated lists in the envelope.

The envelope itself is built by core.api; this module only describes it to OpenAPI and wraps
paginated lists in it, so every list endpoint answers the same way.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .api import envelope

ERROR_CODE_REF = {"$ref": "#/components/schemas/ErrorCode"}
FIELD_ERRORS_REF = {"$ref": "#/components/schemas/FieldErrors"}


@extend_schema_field(ERROR_CODE_REF)
class ErrorCodeField(serializers.CharField):
    """An error code: the schema's `ErrorCode` enum, made from error_codes() (core/schema.py)."""


@extend_schema_field(FIELD_ERRORS_REF)
class FieldErrorsField(serializers.JSONField):
    pass


class ErrorEnvelopeSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=False)
    message = serializers.CharField(help_text="A sentence a user can act on.")
    error_code = ErrorCodeField(help_text="What went wrong, for a program to act on.")
    errors = FieldErrorsField(
        required=False,
        help_text="With INVALID_INPUT: the messages per field of the request "
        "(`non_field_errors` for the request as a whole).",
    )


def error_codes() -> list[str]:
    """Every error code the API answers or stores: each AppError subclass's code (all apps are
    loaded, so their own subclasses count too) and the codes core.api gives DRF's and Django's
    refusals. The schema's `ErrorCode` enum is this list, so it cannot drift from the code."""

    return sorted(error_statuses())


def error_statuses() -> dict[str, int | None]:
    """Each error code and the HTTP status it comes with (None: several, or none)."""
    from . import api
    from .errors import AppError

    statuses: dict[str, int | None] = dict.fromkeys(STORED_CODES)
    statuses.update(api.HANDLER_CODES)
    for drf_error, code in reversed(api.DRF_CODES):  # INVALID_INPUT: 400, not 415 (listed first)
        statuses[code] = drf_error.status_code
    raised: dict[str, set[int]] = {}
    pending: list[type[AppError]] = [AppError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if isinstance(cls.__dict__.get("code"), str):
            raised.setdefault(cls.code, set()).add(cls.status)
    for code, found in raised.items():
        if code not in statuses:
            statuses[code] = found.pop() if len(found) == 1 else None
    return statuses


# Codes that are only ever stored on a task or usage row, never raised as an AppError.
STORED_CODES = ("QUEUE_UNAVAILABLE",)


ERROR_DESCRIPTIONS = {
    400: "INVALID_INPUT: the request breaks a rule the message names.",
    401: "UNAUTHORIZED: no or wrong credentials (`Authorization: Token <key>` or "
    "`Authorization: Bearer <key>`, or a session).",
    403: "FORBIDDEN: authenticated but not allowed.",
    404: "NOT_FOUND: no such object among yours, or no such page of a list.",
    413: "PAYLOAD_TOO_LARGE: the request body is over the size limit the message names.",
    415: "INVALID_INPUT: the request body's content type is not one this operation reads.",
    422: "FETCH_FAILED: the page could not be fetched; upload a screenshot or paste the text.",
    429: "RATE_LIMITED or QUOTA_EXCEEDED (with a Retry-After header).",
    502: "PROVIDER_ERROR or BAD_AI_OUTPUT: the AI provider failed or answered unusably.",
    503: "SERVICE_UNAVAILABLE (with a Retry-After header): the database is busy or down; on "
    "AI operations also too many AI calls in progress, or every AI provider rate limiting us "
    "or paused; or NO_PROVIDER: no AI provider able to do this is configured.",
    504: "PROVIDER_TIMEOUT: the AI provider did not answer in time.",
}
AI_ERRORS = (400, 401, 429, 502, 503, 504)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        status: OpenApiResponse(ErrorEnvelopeSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }


@extend_schema_field({"nullable": True, "x-always-null": True})
class NoDataField(serializers.JSONField):
    """`data` of an answer that has none (a deletion): always null."""


def enveloped(name: str, data: serializers.BaseSerializer | serializers.Field | None) -> Any:
    """The success envelope around `data`, as a named OpenAPI component."""
    return inline_serializer(
        name=name,
        fields={
            "success": serializers.BooleanField(default=True),
            "message": serializers.CharField(),
            "data": data if data is not None else NoDataField(allow_null=True),
        },
    )


def paginated(name: str, item: type[serializers.Serializer]) -> Any:
    page = inline_serializer(
        name=f"{name}Page",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )
    return enveloped(f"{name}Envelope", page)


PAGE_PARAMETERS = [
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1},
        description="Page number, from 1. A page past the last one is a 404.",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1},
        description="Items per page, from 1 (at most 100; more is taken as 100).",
    ),
]


class EnvelopePagination(PageNumberPagination):
    """DRF's page-number pagination, answered inside the success envelope."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        _whole_number_from_1(request, self.page_query_param)
        return super().get_page_number(request, paginator)

    def get_page_size(self, request: Request) -> int:
        _whole_number_from_1(request, self.page_size_query_param)
        return super().get_page_size(request)

    def get_paginated_response(self, data: list) -> Response:
        return envelope(
            OrderedDict(
                count=self.page.paginator.count,
                next=self.get_next_link(),
                previous=self.get_previous_link(),
                results=data,
            )
        )


def _whole_number_from_1(request: Request, name: str) -> None:
    # DRF quietly takes page=, page_size=0 or "abc" as the default; say they are wrong instead.
    raw = request.query_params.get(name)
    if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
        raise exceptions.ValidationError({name: ["Must be a whole number from 1."]})


def paginated_response(
    *, request: Request, view: APIView, queryset: Any, serializer: type[serializers.Serializer]
) -> Response:
    paginator = EnvelopePagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)
