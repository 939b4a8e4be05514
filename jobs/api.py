from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
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
from orchestrator.edge import (
    ACCEPTED_RESPONSE,
    AI_THROTTLES,
    LEGACY_MODES,
    accepted_response,
    wants_async,
)

from . import selectors, services
from .serializers import (
    ExtractFormSerializer,
    ExtractRequestSerializer,
    JobPatchSerializer,
    JobSerializer,
)

JOB_ENVELOPE = enveloped("JobEnvelope", JobSerializer())
EXTRACT_REQUEST = {
    "application/json": ExtractRequestSerializer,
    "multipart/form-data": ExtractFormSerializer,
}


class JobExtractView(APIView):
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]
    throttle_classes = AI_THROTTLES
    always_async = False  # else as the request asks: async=1 or Prefer: respond-async

    @extend_schema(
        operation_id="job_extract",
        summary="Extract a job posting from a URL, pasted text or a screenshot.",
        description=(
            "Exactly one of `url`, `text` or `image` (multipart upload). A URL you extracted "
            "before is answered from storage (200, no AI call) unless `force` is true. "
            "Pages with JSON-LD JobPosting data are read without an AI call. "
            "The same request to `/job-extractor/extract/async` runs as a background task. "
            + LEGACY_MODES
        ),
        request=EXTRACT_REQUEST,
        responses={
            201: OpenApiResponse(JOB_ENVELOPE, description="Extracted and stored."),
            200: OpenApiResponse(JOB_ENVELOPE, description="Already extracted, or re-extracted."),
            **error_responses(*AI_ERRORS, 422),
        },
        tags=["jobs"],
    )
    def post(self, request: Request) -> Response:
        form = ExtractFormSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data.get("image")
        inputs = dict(
            url=data.get("url"),
            text=data.get("text"),
            force=data["force"],
            image=services.image_read_upload(upload=upload) if upload is not None else None,
        )
        if self.always_async or wants_async(request):
            task = services.job_extract_submit(user=request.user, **inputs)
            return accepted_response(task, request)
        extraction = services.job_extract(user=request.user, **inputs)
        return envelope(
            JobSerializer(extraction.job).data,
            message=extraction.message,
            status=201 if extraction.created else 200,
        )


class JobExtractAsyncView(JobExtractView):
    always_async = True

    @extend_schema(
        operation_id="job_extract_async",
        summary="Extract a job posting as a background task.",
        description="What `POST /job-extractor/extract` does, run as a task: the answer is a "
        "202 with the task's URL (also in `Location`); `GET /tasks/{task_id}` until its status "
        "is final, then its `result` is the job.",
        request=EXTRACT_REQUEST,
        responses={202: ACCEPTED_RESPONSE, **error_responses(400, 401, 429, 503)},
        tags=["jobs"],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class JobListView(APIView):
    @extend_schema(
        operation_id="jobs_list",
        summary="Your extracted jobs, newest first.",
        parameters=PAGE_PARAMETERS,
        responses={200: paginated("JobList", JobSerializer), **error_responses(401, 404)},
        tags=["jobs"],
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.job_list(user=request.user),
            serializer=JobSerializer,
        )


class JobDetailView(APIView):
    throttle_classes = [EditRateThrottle]  # edits (PATCH) only; reads are not counted
    parser_classes = [SafeJSONParser]  # edits are nested JSON; a form cannot carry them

    @extend_schema(
        operation_id="jobs_retrieve",
        summary="One of your jobs.",
        responses={200: JOB_ENVELOPE, **error_responses(401, 404)},
        tags=["jobs"],
    )
    def get(self, request: Request, job_id: int) -> Response:
        return envelope(JobSerializer(selectors.job_get(user=request.user, job_id=job_id)).data)

    @extend_schema(
        operation_id="jobs_destroy",
        summary="Delete one of your jobs.",
        responses={200: enveloped("DeletedEnvelope", None), **error_responses(401, 404)},
        tags=["jobs"],
    )
    def delete(self, request: Request, job_id: int) -> Response:
        services.job_delete(user=request.user, job_id=job_id)
        return envelope(None, message="Job deleted.")

    @extend_schema(
        operation_id="jobs_partial_update",
        summary="Correct what was extracted: any of title, company, location, employment type, "
        "salary, description, requirements, skills, keywords.",
        description="Send only the fields to change. They are checked as an AI extraction is "
        "(strings, lists of strings; one-line fields have their spaces collapsed, blank and "
        "repeated list items are dropped); an unknown field or a value too long is refused "
        "(400). Drafts and letters written afterwards use the corrected job.",
        request=JobPatchSerializer,
        responses={200: JOB_ENVELOPE, **error_responses(400, 401, 404, 429)},
        tags=["jobs"],
    )
    def patch(self, request: Request, job_id: int) -> Response:
        job = services.job_update(user=request.user, job_id=job_id, changes=request.data)
        return envelope(JobSerializer(job).data, message="Job updated.")
