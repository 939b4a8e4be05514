from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ModelSerializer, RequestSerializer

from .models import Job


class JobSerializer(ModelSerializer):
    # Not a URLField: a pasted or uploaded posting has none, and "" is no URI.
    source_url = serializers.CharField(
        read_only=True, help_text="The posting's address; empty when it was pasted or uploaded."
    )
    extracted_by = serializers.CharField(
        source="provider_type",
        read_only=True,
        help_text='"jsonld" when read from the page\'s JobPosting data, '
        "otherwise the AI provider type (gemini, openai, anthropic, openai_compatible, offline).",
    )
    requirements = serializers.ListField(child=serializers.CharField(), read_only=True)
    skills = serializers.ListField(child=serializers.CharField(), read_only=True)
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "source",
            "source_url",
            "title",
            "company",
            "location",
            "employment_type",
            "salary",
            "description",
            "requirements",
            "skills",
            "keywords",
            "extracted_by",
            "model",
            "prompt_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ExtractRequestSerializer(RequestSerializer):
    """Exactly one of url, text or (multipart only) image."""

    url = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="A job posting page (http or https).",
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The posting's text, pasted.",
    )
    force = serializers.BooleanField(
        default=False, help_text="Extract a URL again even if you extracted it before."
    )


@extend_schema_field(OpenApiTypes.BINARY)  # an upload in the request, not a URL in a response
class UploadField(serializers.FileField):
    pass


class ExtractFormSerializer(ExtractRequestSerializer):
    image = UploadField(
        required=False,
        allow_empty_file=True,
        help_text="A screenshot of the posting: PNG, JPEG or WebP.",
    )


class JobPatchSerializer(RequestSerializer):
    """The request body's shape, for the docs; jobs.services.job_update checks it."""

    title = serializers.CharField(required=False, allow_blank=True)
    company = serializers.CharField(required=False, allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True)
    employment_type = serializers.CharField(required=False, allow_blank=True)
    salary = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    # Blank items are accepted and dropped (jobs.services), as a form's empty row would be.
    requirements = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    skills = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    keywords = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)


class ClosedJobPatchScheme(OpenApiSerializerExtension):
    """The schema says what job_update does: a field it does not know is refused (400)."""

    target_class = JobPatchSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        return {**schema, "additionalProperties": False}
