"""The API's plumbing, the same for every endpoint: its JSON parser and renderer, the base classes
every API serializer builds on, the response envelope, and the one exception handler that
produces every error body (and the views that give the same envelope for what Django answers
outside DRF: unmatched /api/ paths, requests refused before a view).

The parser is DRF's, with every malformed body answered as a 400. DRF's parser turns only
ValueError into a ParseError: a body nested a thousand levels deep overflows the decoder's
stack (RecursionError, a 500), and a parsed body may still hold text no response or database
can carry (a NUL, an unpaired surrogate from a `\\ud800` escape, core/text.py). Bodies are
refused here, once for every endpoint, with the reason and where in the body it is.

Pages outside the API (the admin, the docs) get the same refusal of a NUL, in their query
string, from `RefuseNulInQueryMiddleware`: PostgreSQL cannot compare text with a NUL in it, so
an admin filter or search holding one (`?error_code=%00`) raised a database error, a 500, on
every changelist; there it is a plain 400."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils import html

from .converters import MAX_ID
from .errors import AppError
from .text import BAD_CHARACTERS

logger = logging.getLogger(__name__)


# --- What a request body may hold --------------------------------------------------------------


def text_problem(value: str) -> str | None:
    """Why a text cannot be accepted (a NUL or an unpaired surrogate), or None."""
    found = BAD_CHARACTERS.search(value)
    if found is None:
        return None
    what = "a NUL character" if found.group() == "\x00" else "an unpaired surrogate"
    return f"contains {what} (U+{ord(found.group()):04X}) at position {found.start()}"


def json_problem(data: Any, *, max_depth: int, path: str = "") -> str | None:
    """Why a parsed JSON document cannot be accepted, or None: nesting deeper than `max_depth`
    levels, or a key or string with a NUL or an unpaired surrogate. Walked without recursion,
    so the check itself cannot overflow the stack."""
    stack: list[tuple[Any, str, int]] = [(data, path, 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return f"{where or 'the text'} {problem}."
        elif isinstance(value, (dict, list)):
            if depth >= max_depth:
                return f"{where or 'the document'} is nested more than {max_depth} levels deep."
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and text_problem(key):
                    return f"a key in {where or 'the document'} {text_problem(key)}."
                child = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}".lstrip(".")
                stack.append((item, child, depth + 1))
    return None


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        max_depth = int(settings.API_JSON_MAX_DEPTH)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                f"JSON parse error - the body is nested more than {max_depth} levels deep."
            ) from None
        problem = json_problem(data, max_depth=max_depth)
        if problem:
            raise ParseError(f"JSON parse error - {problem}")
        return data


# --- Serializers ------------------------------------------------------------------------------


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


# The JSON type each kind of request field takes, as the schema documents it. DRF converts on
# its own (0 becomes the text "0", "yes" true, "5" the number 5); a value of another type
# than the documented one is refused instead of guessed at.
_JSON_TYPES: list[tuple[type[serializers.Field], tuple[type, ...]]] = [
    (serializers.BooleanField, (bool,)),
    (serializers.IntegerField, (int,)),
    (serializers.FloatField, (int, float)),
    (serializers.CharField, (str,)),
]


# A request body's serializer: in a JSON body each field must have its documented JSON type.
# Forms and query strings carry only text and are converted as DRF does. (A comment: a docstring
# would become the description of every request schema built on it.)
class RequestSerializer(serializers.Serializer):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and not html.is_html_input(data):
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name)
                if field.read_only or value is None:
                    continue
                for field_class, types in _JSON_TYPES:
                    if isinstance(field, field_class):
                        wrong_bool = isinstance(value, bool) and bool not in types
                        if wrong_bool or not isinstance(value, types):
                            errors[name] = [field.error_messages["invalid"]]
                        break
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class IdField(serializers.IntegerField):
    """An object's id in a body or query: within the 64-bit key range, so a larger number is a
    400 rather than an overflowing query."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


# DRF's own exceptions, in our codes: what the handler answers for each, and what the schema
# lists (core.openapi.error_codes).
DRF_CODES: list[tuple[type[exceptions.APIException], str]] = [
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
# Codes this module answers without an AppError of their own (with DRF_CODES and every
# AppError subclass's code, the list the schema's `error_code` enum is made from:
# core.openapi.error_codes).
# None: any status (ERROR is a DRF exception of a kind not listed above).
HANDLER_CODES = {
    "SERVICE_UNAVAILABLE": 503,
    "PAYLOAD_TOO_LARGE": 413,
    "INTERNAL_ERROR": 500,
    "ERROR": None,
}


class SafeJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, which writes text as UTF-8 and so fails (a 500) on an unpaired
    surrogate. Requests can no longer store one, but rows written before (SQLite keeps them)
    are still answered: escaped as \\udXXX, which is valid JSON, instead of never at all."""

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return json.dumps(data, cls=self.encoder_class, ensure_ascii=True).encode()


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
    if isinstance(exc, SuspiciousOperation):
        message, code, status_code = request_refusal(exc)
        return Response(error_body(message, code), status=status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        code = next((c for cls, c in DRF_CODES if isinstance(exc, cls)), "ERROR")
        headers = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.ValidationError):
            message = _first_message(exc.detail)
            # Always an object of fields, as the schema says (a bare error is the whole body's).
            details = (
                exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            )
            return Response(error_body(message, code, details), exc.status_code, headers=headers)
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


def request_refusal(exc: SuspiciousOperation) -> tuple[str, str, int]:
    """Message, error code and status for a request Django refused to read: a body over the
    size limit (RequestDataTooBig), too many form fields or files (TooManyFieldsSent,
    TooManyFilesSent), or another malformed request."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000
        return (
            f"The request body is larger than the {limit:g} MB limit.",
            "PAYLOAD_TOO_LARGE",
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent):
        message = f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields."
    elif isinstance(exc, TooManyFilesSent):
        message = f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files."
    else:
        message = "The request is malformed."
    return message, "INVALID_INPUT", status.HTTP_400_BAD_REQUEST


# --- Errors Django answers before or outside a DRF view, for API paths (config/urls.py) ---------


@csrf_exempt  # as the API views are: a DELETE to a wrong path is a 404, not a CSRF page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any /api/ path no route matches (an id that is not a number, a task id that is not a
    UUID, a mistyped path): the envelope, as for an object that does not exist. A path that
    exists without its trailing slash says so."""
    path = request.path
    if path.endswith("/") and path != "/api/v1/" and _routed(path.rstrip("/")):
        message = (
            f"No such API path: {path}. The API's paths end without a slash: {path.rstrip('/')}"
        )
        return _json(error_body(message, "NOT_FOUND"), 404)
    return _json(error_body("No such API path.", "NOT_FOUND"), 404)


def _routed(path: str) -> bool:
    match = resolve_or_none(path)
    return match is not None and match.func is not api_not_found


def resolve_or_none(path: str) -> Any:
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None


def api_bad_request(request: HttpRequest, exception: Exception | None = None) -> Any:
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, SuspiciousOperation):
        message, code, status_code = request_refusal(exception)
    else:
        message, code, status_code = "The request is malformed.", "INVALID_INPUT", 400
    return _json(error_body(message, code), status_code)


def api_server_error(request: HttpRequest) -> Any:
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)
    return _json(error_body("An unexpected error occurred.", "INTERNAL_ERROR"), 500)


def _json(body: dict, status_code: int) -> JsonResponse:
    # Compact, as DRF renders the envelope everywhere else.
    return JsonResponse(body, status=status_code, json_dumps_params={"separators": (",", ":")})


def _first_message(detail: Any) -> str:
    """The first human sentence in DRF's nested validation detail, prefixed by its field."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            inner = _first_message(value)
            return inner if field == "non_field_errors" else f"{field}: {inner}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail) or "The request is not valid."


class RefuseNulInQueryMiddleware:
    """A NUL in the query string of a page outside the API: a plain 400 (the module's
    docstring says why); the API's views refuse it with the envelope."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and "\x00" in _query_text(request):
            return HttpResponseBadRequest(
                "A NUL character cannot be part of a filter or search.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _query_text(request: HttpRequest) -> str:
    return "".join(key + "".join(values) for key, values in request.GET.lists())
