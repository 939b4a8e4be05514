"""The API's response envelope, the one exception handler that produces every error body, and
the ModelSerializer every API serializer builds on."""

from __future__ import annotations

import copy
import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from core.errors import AppError

logger = logging.getLogger(__name__)


# DRF's ModelSerializer, with its fields built from the model once per class. DRF rebuilds them
# for every instance (verbose names, unique validators, ...): measured at a fifth of a server's
# CPU under load. Models do not change at run time, so each instance gets a copy of the class's
# fields, as a plain Serializer does. (A comment, not a docstring: drf-spectacular would publish
# a docstring as the description of every schema built on this class.)
class ModelSerializer(serializers.ModelSerializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            cls._built_fields = super().get_fields()
        return copy.deepcopy(cls._built_fields)


# DRF's own exceptions, in our codes.
_DRF_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.NotAuthenticated, "UNAUTHORIZED"),
    (exceptions.AuthenticationFailed, "UNAUTHORIZED"),
    (exceptions.PermissionDenied, "FORBIDDEN"),
    (exceptions.NotFound, "NOT_FOUND"),
    (exceptions.Throttled, "RATE_LIMITED"),
    (exceptions.MethodNotAllowed, "METHOD_NOT_ALLOWED"),
    (exceptions.NotAcceptable, "NOT_ACCEPTABLE"),
    (exceptions.UnsupportedMediaType, "INVALID_INPUT"),
    (exceptions.ValidationError, "INVALID_INPUT"),
    (exceptions.ParseError, "INVALID_INPUT"),
]


def envelope(data: Any = None, message: str = "OK", status: int = 200, **kwargs: Any) -> Response:
    return Response({"success": True, "message": message, "data": data}, status=status, **kwargs)


def error_body(message: str, code: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False, "message": message, "error_code": code}
    if details is not None:
        body["errors"] = details
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, AppError):
        return Response(error_body(exc.message, exc.code), status=exc.status, headers=exc.headers)
    if isinstance(exc, DatabaseOperationalError):
        # The database is down or out of connections: a retryable outage, not a bug.
        logger.error("Database unavailable in %s: %s", context.get("view"), exc)
        return Response(
            error_body(
                "The service is busy or its database is unavailable; try again shortly.",
                "SERVICE_UNAVAILABLE",
            ),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        code = next((c for cls, c in _DRF_CODES if isinstance(exc, cls)), "ERROR")
        headers = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.ValidationError):
            message = _first_message(exc.detail)
            return Response(error_body(message, code, exc.detail), exc.status_code, headers=headers)
        if isinstance(exc, exceptions.Throttled):
            message = (
                f"Too many requests. Try again in {headers.get('Retry-After', 'a few')} seconds."
            )
        else:
            message = str(exc.detail)
        return Response(error_body(message, code), status=exc.status_code, headers=headers)
    logger.exception("Unhandled error in %s", context.get("view"))
    return Response(
        error_body("An unexpected error occurred.", "INTERNAL_ERROR"),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _first_message(detail: Any) -> str:
    """The first human sentence in DRF's nested validation detail, prefixed by its field."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            inner = _first_message(value)
            return inner if field == "non_field_errors" else f"{field}: {inner}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail) or "The request is not valid."
