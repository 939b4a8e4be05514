"""The project's own pages outside the API: the landing page, the API's index, and the health
endpoints for load balancers (core/health.py)."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import envelope
from core.health import readiness


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving: nothing else is asked."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database, and Redis when configured, answer in time: 200, else 503."""
    ready, checks = readiness()
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


@extend_schema(exclude=True)  # a map of the API, not an operation of it
@api_view(["GET"])
@permission_classes([AllowAny])
def api_index(request: Request) -> Response:
    """Every path under /api/v1/, and where the documentation is."""
    return envelope(
        {
            "docs": request.build_absolute_uri("/api/docs/"),
            "schema": request.build_absolute_uri("/api/schema/"),
            "endpoints": sorted(set(_paths(get_resolver(), ""))),
        },
        message="AI Orchestrator API v1. Sign in at /api/v1/auth/token; see docs for the rest.",
    )


def _paths(resolver: URLResolver, prefix: str) -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if pattern.startswith("^"):  # a regular expression: the catch-alls, not endpoints
            continue
        route = prefix + pattern
        if isinstance(entry, URLResolver):
            found += _paths(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/") and route != "api/v1/":
            found.append("/" + _PARAMETER.sub(r"{\1}", route))
    return found


_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
