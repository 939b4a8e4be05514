"""What the document views of cvs, letters and applications share: the export's content
negotiation, responses and OpenAPI description, the file response, and the message of an
edit. Each app keeps its own views: each names its own service, serializer, operation id and
OpenAPI description, so a shared generic view would take as many parameters as it would save
lines."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from core.openapi import ErrorEnvelopeSerializer, error_responses

from .export import FORMATS, ExportedFile

# The files an export answers with, by media type; errors stay JSON envelopes.
EXPORT_RESPONSES = {
    **{
        (200, media_type.split(";")[0]): OpenApiResponse(
            OpenApiTypes.BINARY if name in ("pdf", "docx") else OpenApiTypes.STR,
            description=f"The {name} file, as an attachment (Content-Disposition).",
        )
        for name, media_type in FORMATS.items()
    },
    **error_responses(400, 401, 404, 429),
    422: OpenApiResponse(
        ErrorEnvelopeSerializer,
        description="EXPORT_UNAVAILABLE: the document has characters no font on this server "
        "can draw (named in the message), or took too long to lay out.",
    ),
    503: OpenApiResponse(
        ErrorEnvelopeSerializer,
        description="EXPORT_UNAVAILABLE: PDF export lacks its fonts on this server.",
    ),
}
EXPORT_DESCRIPTION = (
    "One column of real text with the standard section headings, as applicant tracking "
    "systems read best; the PDF embeds its fonts (Noto, with HarfBuzz shaping), so names in "
    "any script — Latin, Cyrillic, Greek, Chinese, Japanese, Korean, Arabic, Hebrew, "
    "Devanagari — print and copy out correctly, and a character no font has refuses the "
    "export (422) instead of vanishing. Markdown escapes your text. The latest version is "
    "exported. Throttled like the AI endpoints."
)


class ExportNegotiation(DefaultContentNegotiation):
    """`?format=` names the file to export here, not DRF's response renderer; the view
    answers with the file itself, or with a JSON error envelope."""

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


def file_response(exported: ExportedFile) -> HttpResponse:
    response = HttpResponse(exported.body, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exported.filename
    )
    response["Content-Length"] = str(len(exported.body))
    return response


def edited_message(*, what: str, item: object, changed: bool) -> str:
    if not changed:
        return f"Nothing changed; the {what} stays at version {item.version}."
    if item.warnings:
        return f"Saved as version {item.version}, with warnings: check them."
    return f"Saved as version {item.version}."
