from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import IdField, ModelSerializer, RequestSerializer

from .models import CVDraft, MasterProfile
from .schemas import CV_SCHEMA, PROFILE_PATCH_OPENAPI, PROFILE_SCHEMA


# The JSON Schemas the services validate against double as the OpenAPI description.
@extend_schema_field(PROFILE_SCHEMA)
class ProfileDataField(serializers.JSONField):
    pass


@extend_schema_field(PROFILE_PATCH_OPENAPI)
class ProfilePatchField(serializers.JSONField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError("a patch must be a JSON object.")
        return super().to_internal_value(data)


@extend_schema_field(CV_SCHEMA)
class CVContentField(serializers.JSONField):
    pass


class ProfileSerializer(ModelSerializer):
    data = ProfileDataField(
        read_only=True,
        help_text="Your master profile, with JSON Resume's field names (jsonresume.org/schema).",
    )
    version = serializers.IntegerField(
        read_only=True, help_text="Goes up by one on every edit that changes data."
    )

    class Meta:
        model = MasterProfile
        fields = ["data", "version", "updated_at"]
        read_only_fields = fields


class ProfileWriteSerializer(RequestSerializer):
    data = ProfileDataField(help_text="The whole profile; it replaces the stored one.")


class ProfilePatchSerializer(RequestSerializer):
    data = ProfilePatchField(
        required=False,
        default=dict,
        help_text="A JSON Merge Patch (RFC 7386) of the profile: keys given replace, null "
        "removes a key, lists are replaced whole. The result must be a valid profile.",
    )


class CVDraftRequestSerializer(RequestSerializer):
    job_id = IdField(help_text="One of your extracted jobs.")
    force = serializers.BooleanField(
        default=False, help_text="Draft afresh instead of reusing an identical earlier answer."
    )


class DraftListQuerySerializer(serializers.Serializer):
    job_id = IdField(required=False, help_text="Only those for this job.")


class CVDraftSerializer(ModelSerializer):
    job_id = serializers.IntegerField(read_only=True)
    content = CVContentField(
        read_only=True,
        help_text="The CV: header, summary, experience, education, skills, certifications "
        "and the target job.",
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Problems the fact check still found after one regeneration (for example an "
        "employer that is not in your profile). Empty when the draft passed.",
    )
    provider = serializers.CharField(
        source="provider_type", read_only=True, help_text="The AI provider type."
    )

    class Meta:
        model = CVDraft
        fields = [
            "id",
            "job_id",
            "profile_version",
            "content",
            "warnings",
            "provider",
            "model",
            "prompt_version",
            "created_at",
        ]
        read_only_fields = fields
