"""Refuse a NUL character in the query string of a page outside the API (the admin, the docs).

PostgreSQL cannot compare text with a NUL in it, so an admin filter or search holding one
(`?error_code=%00`) raised a database error, a 500, on every changelist. The API's own views
refuse NUL with a 400 envelope (core/api.py); here it is a plain 400.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RefuseNulInQueryMiddleware:
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
