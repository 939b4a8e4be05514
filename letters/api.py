"""Cover letters over HTTP: generate (sync, async or streamed), list, detail, edit, versions
and export. The edit, versions and export views have the shape of the CV drafts' (documents.api
says why they stay apart and holds what they share); the services under them are shared.

What the generate endpoint answers (`letter_generate_from_params`) is also the background
task's runner (registered in LettersConfig.ready), so a task's result is exactly its `data`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import SafeJSONParser, envelope
from core.openapi import (
    AI_ERRORS,
    PAGE_PARAMETERS,
    enveloped,
    error_responses,
    paginated,
    paginated_response,
)
from core.throttling import EditRateThrottle
from documents.api import (
    EXPORT_DESCRIPTION,
    EXPORT_RESPONSES,
    ExportNegotiation,
    edited_message,
    file_response,
)
from documents.serializers import DraftEditSerializer, ExportQuerySerializer
from orchestrator.edge import (
    ACCEPTED_RESPONSE,
    AI_THROTTLES,
    EVENT_STREAM,
    LEGACY_MODES,
    StreamNegotiation,
    accepted_response,
    event_stream_response,
    wants_async,
    wants_stream,
)

from . import selectors, services
from .export import letter_export
from .serializers import (
    LETTER_STREAM_EVENTS,
    CoverLetterSerializer,
    CoverLetterVersionSerializer,
    LetterListQuerySerializer,
    LetterRequestSerializer,
)

STREAM_DESCRIPTION = (
    "The letter is streamed as server-sent events while the AI writes it: `start` "
    "(`provider`, `model`, `cached`) once the provider has begun (or the cache answered), "
    "then `delta` events (`text`: the next piece of the "
    "letter's text; all of them together are the letter's `text`), then `done` with the saved "
    "letter (the same object as the 201 answer's `data`), or instead `error` (`error_code`, "
    "`message`) if the answer broke off: nothing is saved then, and the attempt is logged as "
    "failed. Failures before the first event are the usual JSON error envelopes. A streamed "
    "letter that breaks a rule is not rewritten: the rules are its `warnings`."
)
LETTER_ENVELOPE = enveloped("CoverLetterEnvelope", CoverLetterSerializer())
LETTER_VERSION_ENVELOPE = enveloped("CoverLetterVersionEnvelope", CoverLetterVersionSerializer())


def letter_generate_from_params(
    *, user: Any, job_id: int, tone: str = services.DEFAULT_TONE, force: bool = False
) -> dict:
    """The endpoint's `data` for a new letter: the sync view and the Celery task both use it."""
    letter = services.letter_generate(user=user, job_id=job_id, tone=tone, force=force)
    return dict(CoverLetterSerializer(letter).data)


class LetterGenerateView(APIView):
    throttle_classes = AI_THROTTLES
    content_negotiation_class = StreamNegotiation
    mode = ""  # "async", "stream"; "" reads it from the request (async=1, Accept, stream=1)

    @extend_schema(
        operation_id="cover_letter_generate",
        summary="Write a cover letter for one of your jobs, in a tone.",
        description=(
            "Tones: professional (default), enthusiastic, concise, friendly. Every letter has a "
            "subject line, a greeting, exactly three body paragraphs of 220-320 words in all, "
            "and a sign-off; the greeting and sign-off never appear inside a paragraph. A letter "
            "that breaks a rule is regenerated once; if it still does, it is returned with "
            "`warnings` naming the rules. An identical earlier request is answered from the "
            "cache unless `force` is true. "
            "The same request to `/cover-letter/generate/async` runs as a background task, "
            "and to `/cover-letter/generate/stream` streams the letter while it is written. "
            + LEGACY_MODES
        ),
        request=LetterRequestSerializer,
        responses={
            201: OpenApiResponse(LETTER_ENVELOPE, description="Written and stored."),
            **error_responses(*AI_ERRORS, 404),
        },
        tags=["letters"],
    )
    def post(self, request: Request) -> Response:
        form = LetterRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if self.mode == "async" or (self.mode == "" and wants_async(request)):
            task = services.letter_generate_submit(user=request.user, **form.validated_data)
            return accepted_response(task, request)
        if self.mode == "stream" or (self.mode == "" and wants_stream(request)):
            events = services.letter_generate_stream(user=request.user, **form.validated_data)
            return event_stream_response(events)
        data = letter_generate_from_params(user=request.user, **form.validated_data)
        message = (
            "Cover letter written with warnings: check them before you send it."
            if data["warnings"]
            else "Cover letter written."
        )
        return envelope(data, message=message, status=201)


class LetterGenerateAsyncView(LetterGenerateView):
    mode = "async"

    @extend_schema(
        operation_id="cover_letter_generate_async",
        summary="Write a cover letter as a background task.",
        description="What `POST /cover-letter/generate` does, run as a task: the answer is a "
        "202 with the task's URL (also in `Location`); `GET /tasks/{task_id}` until its status "
        "is final, then its `result` is the letter.",
        request=LetterRequestSerializer,
        responses={202: ACCEPTED_RESPONSE, **error_responses(400, 401, 404, 429, 503)},
        tags=["letters"],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class LetterGenerateStreamView(LetterGenerateView):
    mode = "stream"

    @extend_schema(
        operation_id="cover_letter_generate_stream",
        summary="Write a cover letter, streamed as server-sent events while the AI writes it.",
        description=STREAM_DESCRIPTION,
        request=LetterRequestSerializer,
        responses={
            (200, EVENT_STREAM): OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="LetterStreamEvent",
                    serializers=LETTER_STREAM_EVENTS,
                    resource_type_field_name="event",
                ),
                description="Server-sent events: each one's `event:` line names it and its "
                "`data:` line is the JSON shown under `data`.",
            ),
            **error_responses(*AI_ERRORS, 404),
        },
        tags=["letters"],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class LetterListView(APIView):
    @extend_schema(
        operation_id="letters_list",
        summary="Your cover letters, newest first.",
        parameters=[LetterListQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: paginated("CoverLetterList", CoverLetterSerializer),
            **error_responses(400, 401),
        },
        tags=["letters"],
    )
    def get(self, request: Request) -> Response:
        query = LetterListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        letters = selectors.letter_list(user=request.user, **query.validated_data)
        return paginated_response(
            request=request, view=self, queryset=letters, serializer=CoverLetterSerializer
        )


class LetterDetailView(APIView):
    throttle_classes = [EditRateThrottle]  # edits (PATCH) only; reads are not counted
    parser_classes = [SafeJSONParser]  # edits are nested JSON; a form cannot carry them

    @extend_schema(
        operation_id="letters_retrieve",
        summary="One of your cover letters.",
        responses={200: LETTER_ENVELOPE, **error_responses(401, 404)},
        tags=["letters"],
    )
    def get(self, request: Request, letter_id: int) -> Response:
        letter = selectors.letter_get(user=request.user, letter_id=letter_id)
        return envelope(CoverLetterSerializer(letter).data)

    @extend_schema(
        operation_id="letters_destroy",
        summary="Delete one of your cover letters.",
        responses={
            200: enveloped("CoverLetterDeletedEnvelope", None),
            **error_responses(401, 404),
        },
        tags=["letters"],
    )
    def delete(self, request: Request, letter_id: int) -> Response:
        services.letter_delete(user=request.user, letter_id=letter_id)
        return envelope(None, message="Cover letter deleted.")

    @extend_schema(
        operation_id="letters_partial_update",
        summary="Edit one of your cover letters; the edit is saved as its next version.",
        description="`content` is merged into the letter's latest content as RFC 7386 says "
        "(keys given replace, null removes, lists are replaced whole: send all three "
        "`paragraphs` to change one). The result must fit the letter schema. The letter rules "
        "run again: what they find is the new `warnings`. An edit that changes nothing saves "
        "no version. Earlier versions stay readable under `/versions`.",
        request=DraftEditSerializer,
        responses={200: LETTER_ENVELOPE, **error_responses(400, 401, 404, 429)},
        tags=["letters"],
    )
    def patch(self, request: Request, letter_id: int) -> Response:
        form = DraftEditSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        letter, changed = services.letter_edit(
            user=request.user, letter_id=letter_id, patch=form.validated_data["content"]
        )
        return envelope(
            CoverLetterSerializer(letter).data,
            message=edited_message(what="cover letter", item=letter, changed=changed),
        )


class LetterVersionListView(APIView):
    @extend_schema(
        operation_id="letters_versions_list",
        summary="Every version of one of your cover letters, newest first.",
        description="Version 1 is what the AI wrote; each edit added one.",
        parameters=PAGE_PARAMETERS,
        responses={
            200: paginated("CoverLetterVersionList", CoverLetterVersionSerializer),
            **error_responses(401, 404),
        },
        tags=["letters"],
    )
    def get(self, request: Request, letter_id: int) -> Response:
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.letter_versions(user=request.user, letter_id=letter_id),
            serializer=CoverLetterVersionSerializer,
        )


class LetterVersionDetailView(APIView):
    @extend_schema(
        operation_id="letters_versions_retrieve",
        summary="One version of one of your cover letters.",
        responses={200: LETTER_VERSION_ENVELOPE, **error_responses(401, 404)},
        tags=["letters"],
    )
    def get(self, request: Request, letter_id: int, number: int) -> Response:
        version = selectors.letter_version_get(
            user=request.user, letter_id=letter_id, number=number
        )
        return envelope(CoverLetterVersionSerializer(version).data)


class LetterExportView(APIView):
    content_negotiation_class = ExportNegotiation
    # Laying out a PDF costs far more than the request: throttled like the AI endpoints.
    throttle_classes = AI_THROTTLES

    @extend_schema(
        operation_id="letters_export",
        summary="Download one of your cover letters as PDF, DOCX, Markdown or text.",
        description=EXPORT_DESCRIPTION,
        parameters=[ExportQuerySerializer],
        responses=EXPORT_RESPONSES,
        tags=["letters"],
    )
    def get(self, request: Request, letter_id: int) -> HttpResponse:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        exported = letter_export(
            user=request.user,
            letter_id=letter_id,
            file_format=query.validated_data["format"],
            paper=query.validated_data["paper"],
        )
        return file_response(exported)
