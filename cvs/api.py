"""The master profile and CV drafts over HTTP: profile, draft (sync or async), list, detail,
edit, versions, export and match score. letters/api.py has views of the same shape for the
edit, the versions and the export of a letter; what they share (the export's negotiation and
responses, the file response, the edit's message) is in documents.api, the logic under them
in documents.versions and documents.export.

Longer than our usual modules: thin views, one per endpoint, each with its OpenAPI description.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
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
from documents.serializers import (
    DraftEditSerializer,
    DraftListQuerySerializer,
    ExportQuerySerializer,
)
from orchestrator.edge import (
    ACCEPTED_RESPONSE,
    AI_THROTTLES,
    LEGACY_MODES,
    accepted_response,
    wants_async,
)

from . import runners, selectors, services, versions
from .export import cv_export
from .serializers import (
    CVDraftRequestSerializer,
    CVDraftSerializer,
    CVDraftVersionSerializer,
    MatchQuerySerializer,
    MatchReportSerializer,
    ProfilePatchSerializer,
    ProfileSerializer,
    ProfileWriteSerializer,
)

PROFILE_ENVELOPE = enveloped("ProfileEnvelope", ProfileSerializer())
CV_ENVELOPE = enveloped("CVDraftEnvelope", CVDraftSerializer())
CV_VERSION_ENVELOPE = enveloped("CVDraftVersionEnvelope", CVDraftVersionSerializer())
MATCH_ENVELOPE = enveloped("MatchReportEnvelope", MatchReportSerializer())

MATCH_FORMULA_DOC = (
    "The score is round(100 × matched weight / total weight) over the job's skills and "
    "keywords: a skill weighs 2 (1 when the requirements name it only as optional: nice to "
    "have, preferred, a plus), a keyword that is not a skill 1; generic words (Data, Engineer, "
    "Communication) are not terms. A term is matched when the CV names it and your profile "
    "backs it (`backed_by` names the fact); a term only the CV names counts nothing and is "
    "listed under `unbacked`. Each bullet is traced to the highlight or summary of its "
    "employer in your profile that shares at least half of its words, or gets a warning. "
    "`job_id` matches the draft against another of your jobs. Throttled like the AI endpoints."
)


class ProfileView(APIView):
    parser_classes = [SafeJSONParser]  # a profile is nested JSON; a form cannot carry it

    @extend_schema(
        operation_id="profile_retrieve",
        summary="Your master profile (created empty, version 1, on first use).",
        responses={200: PROFILE_ENVELOPE, **error_responses(401)},
        tags=["profile"],
    )
    def get(self, request: Request) -> Response:
        profile = services.profile_get_or_create(user=request.user)
        return envelope(ProfileSerializer(profile).data)

    @extend_schema(
        operation_id="profile_update",
        summary="Replace your master profile.",
        description="The version goes up by one when the data changes; sending the same data "
        "again changes nothing. An invalid profile is refused (400) with the path of each "
        "problem, e.g. `data.work[0]: 'name' is a required property`.",
        request=ProfileWriteSerializer,
        responses={200: PROFILE_ENVELOPE, **error_responses(400, 401)},
        tags=["profile"],
    )
    def put(self, request: Request) -> Response:
        form = ProfileWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        profile = services.profile_update(user=request.user, data=form.validated_data["data"])
        return envelope(ProfileSerializer(profile).data, message="Profile saved.")

    @extend_schema(
        operation_id="profile_partial_update",
        summary="Change part of your master profile (JSON Merge Patch).",
        description="`data` is merged into the stored profile as RFC 7386 says: keys given "
        "replace, null removes, lists are replaced whole. The result must be a valid profile.",
        request=ProfilePatchSerializer,
        responses={200: PROFILE_ENVELOPE, **error_responses(400, 401)},
        tags=["profile"],
    )
    def patch(self, request: Request) -> Response:
        form = ProfilePatchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        profile = services.profile_patch(user=request.user, patch=form.validated_data["data"])
        return envelope(ProfileSerializer(profile).data, message="Profile saved.")

    @extend_schema(
        operation_id="profile_destroy",
        summary="Delete your master profile.",
        description="Removes the stored profile whatever it holds; the next read starts an "
        "empty one (version 1). Drafts already written are kept.",
        responses={200: enveloped("ProfileDeletedEnvelope", None), **error_responses(401)},
        tags=["profile"],
    )
    def delete(self, request: Request) -> Response:
        services.profile_delete(user=request.user)
        return envelope(None, message="Profile deleted.")


class CVDraftView(APIView):
    throttle_classes = AI_THROTTLES
    always_async = False  # else as the request asks: async=1 or Prefer: respond-async

    @extend_schema(
        operation_id="cv_draft",
        summary="Draft a CV for one of your jobs from your master profile.",
        description=(
            "The AI orders and words your profile for the job's keywords; it may use only facts "
            "from the profile. Every employer, school, degree, title, date range, skill, "
            "certification and figure in the draft is checked against the profile: an invented "
            "employer, school or degree gets the draft regenerated once; whatever the answer "
            "still claims beyond the profile is removed, and `warnings` lists each removal and "
            "its reason. The header's name, email, phone, location and links are your "
            "profile's, never the AI's. An identical earlier request "
            "is answered from the cache unless `force` is true. "
            "The same request to `/cv-drafter/draft/async` runs as a background task. "
            + LEGACY_MODES
        ),
        request=CVDraftRequestSerializer,
        responses={
            201: OpenApiResponse(CV_ENVELOPE, description="Drafted and stored."),
            **error_responses(*AI_ERRORS, 404),
        },
        tags=["cvs"],
    )
    def post(self, request: Request) -> Response:
        form = CVDraftRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if self.always_async or wants_async(request):
            task = services.cv_draft_submit(user=request.user, **form.validated_data)
            return accepted_response(task, request)
        data = runners.cv_draft_from_params(user=request.user, **form.validated_data)
        message = (
            "CV drafted with warnings: check them before you use it."
            if data["warnings"]
            else "CV drafted."
        )
        return envelope(data, message=message, status=201)


class CVDraftAsyncView(CVDraftView):
    always_async = True

    @extend_schema(
        operation_id="cv_draft_async",
        summary="Draft a CV as a background task.",
        description="What `POST /cv-drafter/draft` does, run as a task: the answer is a 202 "
        "with the task's URL (also in `Location`); `GET /tasks/{task_id}` until its status is "
        "final, then its `result` is the CV draft.",
        request=CVDraftRequestSerializer,
        responses={202: ACCEPTED_RESPONSE, **error_responses(400, 401, 404, 429, 503)},
        tags=["cvs"],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class CVDraftListView(APIView):
    @extend_schema(
        operation_id="cvs_list",
        summary="Your CV drafts, newest first.",
        parameters=[DraftListQuerySerializer, *PAGE_PARAMETERS],
        responses={200: paginated("CVDraftList", CVDraftSerializer), **error_responses(400, 401)},
        tags=["cvs"],
    )
    def get(self, request: Request) -> Response:
        query = DraftListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        drafts = selectors.cv_draft_list(user=request.user, **query.validated_data)
        return paginated_response(
            request=request, view=self, queryset=drafts, serializer=CVDraftSerializer
        )


class CVDraftDetailView(APIView):
    throttle_classes = [EditRateThrottle]  # edits (PATCH) only; reads are not counted
    parser_classes = [SafeJSONParser]  # edits are nested JSON; a form cannot carry them

    @extend_schema(
        operation_id="cvs_retrieve",
        summary="One of your CV drafts.",
        responses={200: CV_ENVELOPE, **error_responses(401, 404)},
        tags=["cvs"],
    )
    def get(self, request: Request, draft_id: int) -> Response:
        draft = selectors.cv_draft_get(user=request.user, draft_id=draft_id)
        return envelope(CVDraftSerializer(draft).data)

    @extend_schema(
        operation_id="cvs_destroy",
        summary="Delete one of your CV drafts.",
        responses={200: enveloped("CVDraftDeletedEnvelope", None), **error_responses(401, 404)},
        tags=["cvs"],
    )
    def delete(self, request: Request, draft_id: int) -> Response:
        services.cv_draft_delete(user=request.user, draft_id=draft_id)
        return envelope(None, message="CV draft deleted.")

    @extend_schema(
        operation_id="cvs_partial_update",
        summary="Edit one of your CV drafts; the edit is saved as its next version.",
        description="`content` is merged into the draft's latest content as RFC 7386 says "
        "(keys given replace, null removes, lists are replaced whole; send the whole "
        "`experience` list to change one bullet). The result must fit the CV schema. The fact "
        "check runs again against your profile as it is now: its problems are the new "
        "`warnings`. An edit that changes nothing saves no version. Earlier versions stay "
        "readable under `/versions`.",
        request=DraftEditSerializer,
        responses={200: CV_ENVELOPE, **error_responses(400, 401, 404, 429)},
        tags=["cvs"],
    )
    def patch(self, request: Request, draft_id: int) -> Response:
        form = DraftEditSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        draft, changed = versions.cv_draft_edit(
            user=request.user, draft_id=draft_id, patch=form.validated_data["content"]
        )
        return envelope(
            CVDraftSerializer(draft).data,
            message=edited_message(what="CV draft", item=draft, changed=changed),
        )


class CVDraftVersionListView(APIView):
    @extend_schema(
        operation_id="cvs_versions_list",
        summary="Every version of one of your CV drafts, newest first.",
        description="Version 1 is what the AI wrote; each edit added one.",
        parameters=PAGE_PARAMETERS,
        responses={
            200: paginated("CVDraftVersionList", CVDraftVersionSerializer),
            **error_responses(401, 404),
        },
        tags=["cvs"],
    )
    def get(self, request: Request, draft_id: int) -> Response:
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.cv_draft_versions(user=request.user, draft_id=draft_id),
            serializer=CVDraftVersionSerializer,
        )


class CVDraftVersionDetailView(APIView):
    @extend_schema(
        operation_id="cvs_versions_retrieve",
        summary="One version of one of your CV drafts.",
        responses={200: CV_VERSION_ENVELOPE, **error_responses(401, 404)},
        tags=["cvs"],
    )
    def get(self, request: Request, draft_id: int, number: int) -> Response:
        version = selectors.cv_draft_version_get(
            user=request.user, draft_id=draft_id, number=number
        )
        return envelope(CVDraftVersionSerializer(version).data)


class CVDraftExportView(APIView):
    content_negotiation_class = ExportNegotiation
    # Laying out a PDF costs far more than the request: throttled like the AI endpoints.
    throttle_classes = AI_THROTTLES

    @extend_schema(
        operation_id="cvs_export",
        summary="Download one of your CV drafts as PDF, DOCX, Markdown or text.",
        description=EXPORT_DESCRIPTION,
        parameters=[ExportQuerySerializer],
        responses=EXPORT_RESPONSES,
        tags=["cvs"],
    )
    def get(self, request: Request, draft_id: int) -> HttpResponse:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        exported = cv_export(
            user=request.user,
            draft_id=draft_id,
            file_format=query.validated_data["format"],
            paper=query.validated_data["paper"],
        )
        return file_response(exported)


class CVDraftMatchView(APIView):
    throttle_classes = AI_THROTTLES

    @extend_schema(
        operation_id="cvs_match",
        summary="How well one of your CV drafts matches a job, and where each bullet came from.",
        description="Deterministic, no AI call. " + MATCH_FORMULA_DOC,
        parameters=[MatchQuerySerializer],
        responses={200: MATCH_ENVELOPE, **error_responses(400, 401, 404, 429)},
        tags=["cvs"],
    )
    def get(self, request: Request, draft_id: int) -> Response:
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = selectors.cv_draft_match(
            user=request.user, draft_id=draft_id, **query.validated_data
        )
        return envelope(report)
