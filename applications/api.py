"""Applications over HTTP: track them, move them through the hiring steps, export the list,
and prepare for their interviews (an AI task: routing, quota, cache and usage like the
others)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
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
from documents.api import EXPORT_RESPONSES, ExportNegotiation, edited_message, file_response
from documents.serializers import DraftEditSerializer, ExportQuerySerializer
from orchestrator.edge import AI_THROTTLES

from . import selectors, services
from .interview import services as prep_services
from .interview.export import interview_prep_export
from .serializers import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationListQuerySerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    InterviewPrepRequestSerializer,
    InterviewPrepSerializer,
    InterviewPrepVersionSerializer,
)

APPLICATION_ENVELOPE = enveloped("ApplicationEnvelope", ApplicationDetailSerializer())
PREP_ENVELOPE = enveloped("InterviewPrepEnvelope", InterviewPrepSerializer())


class ApplicationListView(APIView):
    parser_classes = [SafeJSONParser]  # nullable ids and dates: a form cannot say null

    @extend_schema(
        operation_id="applications_list",
        summary="Your applications, most recently changed first.",
        parameters=[ApplicationListQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: paginated("ApplicationList", ApplicationSerializer),
            **error_responses(400, 401),
        },
        tags=["applications"],
    )
    def get(self, request: Request) -> Response:
        query = ApplicationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.application_list(user=request.user, **query.validated_data),
            serializer=ApplicationSerializer,
        )

    @extend_schema(
        operation_id="applications_create",
        summary="Track an application to one of your jobs, with the CV and letter sent.",
        description="The CV and letter are pinned at the version given (default: their latest): "
        "later edits make new versions and the application keeps what was sent.",
        request=ApplicationCreateSerializer,
        responses={201: APPLICATION_ENVELOPE, **error_responses(400, 401, 404)},
        tags=["applications"],
    )
    def post(self, request: Request) -> Response:
        form = ApplicationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        application = services.application_create(user=request.user, **form.validated_data)
        return envelope(
            ApplicationDetailSerializer(application).data, message="Application saved.", status=201
        )


class ApplicationDetailView(APIView):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="applications_retrieve",
        summary="One of your applications, with its status history.",
        responses={200: APPLICATION_ENVELOPE, **error_responses(401, 404)},
        tags=["applications"],
    )
    def get(self, request: Request, application_id: int) -> Response:
        application = selectors.application_get(user=request.user, application_id=application_id)
        return envelope(ApplicationDetailSerializer(application).data)

    @extend_schema(
        operation_id="applications_partial_update",
        summary="Move an application on, change its notes or the versions sent.",
        description="Statuses: saved, applied, screening, interview, offer, accepted, rejected, "
        "withdrawn. A move that is not allowed is a 400 naming the allowed ones "
        "(`next_statuses`).",
        request=ApplicationUpdateSerializer,
        responses={200: APPLICATION_ENVELOPE, **error_responses(400, 401, 404)},
        tags=["applications"],
    )
    def patch(self, request: Request, application_id: int) -> Response:
        form = ApplicationUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        changes = {k: v for k, v in form.validated_data.items() if k in form.initial_data}
        application = services.application_update(
            user=request.user, application_id=application_id, **changes
        )
        return envelope(ApplicationDetailSerializer(application).data, message="Application saved.")

    @extend_schema(
        operation_id="applications_destroy",
        summary="Delete one of your applications.",
        responses={200: enveloped("ApplicationDeletedEnvelope", None), **error_responses(401, 404)},
        tags=["applications"],
    )
    def delete(self, request: Request, application_id: int) -> Response:
        services.application_delete(user=request.user, application_id=application_id)
        return envelope(None, message="Application deleted.")


class ApplicationCsvView(APIView):
    @extend_schema(
        operation_id="applications_export_csv",
        summary="Your applications as a CSV file.",
        parameters=[ApplicationListQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV file."),
            **error_responses(400, 401),
        },
        tags=["applications"],
    )
    def get(self, request: Request) -> HttpResponse:
        query = ApplicationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = selectors.applications_csv(user=request.user, **query.validated_data)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="applications.csv"'
        return response


class InterviewPrepCreateView(APIView):
    throttle_classes = AI_THROTTLES
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="applications_interview_prep",
        summary="Prepare for the interview of one of your applications.",
        description="Likely behavioural, technical and company questions from the posting, "
        "each with an answer outline in STAR form that cites the profile facts it stands on "
        "(`sources`). A question no fact supports says so instead of inventing a story. An "
        "identical earlier request is answered from the cache unless `force` is true.",
        request=InterviewPrepRequestSerializer,
        responses={201: PREP_ENVELOPE, **error_responses(*AI_ERRORS, 404)},
        tags=["applications"],
    )
    def post(self, request: Request, application_id: int) -> Response:
        form = InterviewPrepRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        prep = prep_services.interview_prep_create(
            user=request.user, application_id=application_id, **form.validated_data
        )
        message = (
            "Interview prep written; the fact check removed what your profile does not back."
            if prep.warnings
            else "Interview prep written."
        )
        return envelope(InterviewPrepSerializer(prep).data, message=message, status=201)


class InterviewPrepDetailView(APIView):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="interview_preps_retrieve",
        summary="One of your interview preps.",
        responses={200: PREP_ENVELOPE, **error_responses(401, 404)},
        tags=["applications"],
    )
    def get(self, request: Request, prep_id: int) -> Response:
        return envelope(
            InterviewPrepSerializer(
                selectors.interview_prep_get(user=request.user, prep_id=prep_id)
            ).data
        )

    @extend_schema(
        operation_id="interview_preps_partial_update",
        summary="Edit one of your interview preps; the edit is saved as its next version.",
        request=DraftEditSerializer,
        responses={200: PREP_ENVELOPE, **error_responses(400, 401, 404)},
        tags=["applications"],
    )
    def patch(self, request: Request, prep_id: int) -> Response:
        form = DraftEditSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        prep, changed = prep_services.interview_prep_edit(
            user=request.user, prep_id=prep_id, patch=form.validated_data["content"]
        )
        return envelope(
            InterviewPrepSerializer(prep).data,
            message=edited_message(what="interview prep", item=prep, changed=changed),
        )


class InterviewPrepVersionListView(APIView):
    @extend_schema(
        operation_id="interview_preps_versions_list",
        summary="Every version of one of your interview preps, newest first.",
        parameters=PAGE_PARAMETERS,
        responses={
            200: paginated("InterviewPrepVersionList", InterviewPrepVersionSerializer),
            **error_responses(401, 404),
        },
        tags=["applications"],
    )
    def get(self, request: Request, prep_id: int) -> Response:
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.interview_prep_get(
                user=request.user, prep_id=prep_id
            ).versions.order_by("-number"),
            serializer=InterviewPrepVersionSerializer,
        )


class InterviewPrepExportView(APIView):
    content_negotiation_class = ExportNegotiation

    @extend_schema(
        operation_id="interview_preps_export",
        summary="Download one of your interview preps as PDF, DOCX, Markdown or text.",
        parameters=[ExportQuerySerializer],
        responses=EXPORT_RESPONSES,
        tags=["applications"],
    )
    def get(self, request: Request, prep_id: int) -> HttpResponse:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        exported = interview_prep_export(
            user=request.user,
            prep_id=prep_id,
            file_format=query.validated_data["format"],
            paper=query.validated_data["paper"],
        )
        return file_response(exported)
