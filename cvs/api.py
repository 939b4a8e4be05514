from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import envelope
from config.parsers import SafeJSONParser
from orchestrator.api import (
    AI_ERRORS,
    PAGE_PARAMETERS,
    enveloped,
    error_responses,
    paginated,
    paginated_response,
)
from orchestrator.async_api import (
    ACCEPTED_RESPONSE,
    ASYNC_PARAMETERS,
    accepted_response,
    wants_async,
)
from orchestrator.throttling import AI_THROTTLES

from . import selectors, services
from .serializers import (
    CVDraftRequestSerializer,
    CVDraftSerializer,
    DraftListQuerySerializer,
    ProfilePatchSerializer,
    ProfileSerializer,
    ProfileWriteSerializer,
)

PROFILE_ENVELOPE = enveloped("ProfileEnvelope", ProfileSerializer())
CV_ENVELOPE = enveloped("CVDraftEnvelope", CVDraftSerializer())


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

    @extend_schema(
        operation_id="cv_draft",
        summary="Draft a CV for one of your jobs from your master profile.",
        description=(
            "The AI orders and words your profile for the job's keywords; it may use only facts "
            "from the profile. Every employer, school and degree in the draft is checked against "
            "the profile: a draft that invents one is regenerated once, and if it still does, "
            "it is returned with `warnings` naming the problems. An identical earlier request "
            "is answered from the cache unless `force` is true. "
            "With `?async=1` or `Prefer: respond-async` the work runs as a task (202)."
        ),
        request=CVDraftRequestSerializer,
        parameters=ASYNC_PARAMETERS,
        responses={
            201: OpenApiResponse(CV_ENVELOPE, description="Drafted and stored."),
            202: ACCEPTED_RESPONSE,
            **error_responses(*AI_ERRORS, 404),
        },
        tags=["cvs"],
    )
    def post(self, request: Request) -> Response:
        form = CVDraftRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if wants_async(request):
            task = services.cv_draft_submit(user=request.user, **form.validated_data)
            return accepted_response(task, request)
        data = services.cv_draft_from_params(user=request.user, **form.validated_data)
        message = (
            "CV drafted with warnings: check them before you use it."
            if data["warnings"]
            else "CV drafted."
        )
        return envelope(data, message=message, status=201)


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
