from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import IdField, ModelSerializer, RequestSerializer
from documents.models import MasterProfile
from documents.serializers import MergePatchField

from .match import cv_match
from .models import CVDraft, CVDraftVersion
from .schemas import CV_SCHEMA, PROFILE_PATCH_OPENAPI, PROFILE_SCHEMA


# The JSON Schemas the services validate against double as the OpenAPI description.
@extend_schema_field(PROFILE_SCHEMA)
class ProfileDataField(serializers.JSONField):
    pass


@extend_schema_field(PROFILE_PATCH_OPENAPI)
class ProfilePatchField(MergePatchField):
    pass


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


class TermBackingSerializer(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=["skills", "text"],
        help_text="skills: a skill of your profile; text: a sentence of your profile names it.",
    )
    text = serializers.CharField(help_text="The skill, or the profile's sentence.")


class MatchTermSerializer(serializers.Serializer):
    term = serializers.CharField(help_text="As the job lists it.")
    kind = serializers.ChoiceField(
        choices=["required", "preferred", "keyword"],
        help_text="required: a skill the job asks for; preferred: a skill it names only as "
        "optional; keyword: one of its keywords that is not a skill.",
    )
    weight = serializers.IntegerField(help_text="2 for required, 1 otherwise.")
    found_in = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The CV sections that name it (matched and unbacked terms).",
    )
    backed_by = TermBackingSerializer(
        required=False,
        allow_null=True,
        help_text="The profile fact that backs it (matched terms; for missing ones, what in "
        "your profile could be added to the CV, or null).",
    )


class BulletSourceSerializer(serializers.Serializer):
    employer = serializers.CharField()
    field = serializers.ChoiceField(choices=["highlight", "summary"])
    highlight = serializers.CharField(help_text="The profile fact's text.")


class BulletReportSerializer(serializers.Serializer):
    experience = serializers.IntegerField(help_text="Index in content.experience.")
    bullet = serializers.IntegerField(help_text="Index in that entry's bullets.")
    text = serializers.CharField()
    source = BulletSourceSerializer(allow_null=True, help_text="null when no fact backs it.")
    warning = serializers.CharField(help_text="Empty when the bullet is backed by its fact.")


class MatchReportSerializer(serializers.Serializer):
    job_id = serializers.IntegerField()
    score = serializers.IntegerField(
        min_value=0,
        max_value=100,
        help_text="round(100 × matched weight / total weight) over the job's skills and "
        "keywords; a term is matched when the CV names it and your profile backs it; required "
        "skills weigh 2, the others 1.",
    )
    matched = MatchTermSerializer(many=True)
    missing = MatchTermSerializer(many=True)
    unbacked = MatchTermSerializer(
        many=True,
        help_text="Terms the CV names but your profile does not back: they count nothing.",
    )
    bullets = BulletReportSerializer(many=True)
    unsourced_bullets = serializers.IntegerField(help_text="Bullets no profile fact backs.")
    formula = serializers.CharField()


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
        help_text="What the fact check removed from the AI's draft and why (\"Removed: Skill "
        '"Go" is not in your profile."), or, after your edits, what you added beyond your '
        'profile ("Added by you: …", kept). Empty when every claim is backed.',
    )
    provider = serializers.CharField(
        source="provider_type", read_only=True, help_text="The AI provider type."
    )
    version = serializers.IntegerField(
        read_only=True,
        help_text="The version `content` is: 1 is what the AI wrote, each edit adds one.",
    )
    match = serializers.SerializerMethodField(
        help_text="How well the CV matches its job, and the profile fact behind each bullet."
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
            "version",
            "match",
        ]
        read_only_fields = fields

    @extend_schema_field(MatchReportSerializer)
    def get_match(self, draft: CVDraft) -> dict:
        profile = getattr(draft.owner, "master_profile", None)
        return cv_match(cv=draft.content, job=draft.job, profile=profile.data if profile else {})


class CVDraftVersionSerializer(ModelSerializer):
    content = CVContentField(read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CVDraftVersion
        fields = ["number", "content", "warnings", "edited_by_user", "created_at"]
        read_only_fields = fields


class MatchQuerySerializer(serializers.Serializer):
    job_id = serializers.IntegerField(
        required=False, min_value=1, help_text="One of your jobs; the draft's own by default."
    )
