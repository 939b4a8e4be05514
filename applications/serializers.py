from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import IdField, ModelSerializer, RequestSerializer

from .interview.schemas import PREP_OPENAPI
from .models import Application, InterviewPrep, InterviewPrepVersion, StatusChange
from .statuses import Status, allowed_moves

STATUS_ERROR = '"{input}" is not a status; choose one of ' + ", ".join(Status.values) + "."


def _status_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Status.choices, error_messages={"invalid_choice": STATUS_ERROR}, **kwargs
    )


class StatusChangeSerializer(ModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "changed_at"]
        read_only_fields = fields


class ApplicationSerializer(ModelSerializer):
    job_id = serializers.IntegerField(read_only=True)
    job_title = serializers.CharField(source="job.title", read_only=True)
    company = serializers.CharField(source="job.company", read_only=True)
    cv_id = serializers.IntegerField(read_only=True, allow_null=True)
    letter_id = serializers.IntegerField(read_only=True, allow_null=True)
    cv_version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The CV version sent: later edits leave it."
    )
    letter_version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The letter version sent."
    )
    next_statuses = serializers.SerializerMethodField(
        help_text="The statuses this application may move to."
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "job_id",
            "job_title",
            "company",
            "status",
            "next_statuses",
            "cv_id",
            "cv_version",
            "letter_id",
            "letter_version",
            "applied_at",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_next_statuses(self, application: Application) -> list[str]:
        return allowed_moves(application.status)


class ApplicationDetailSerializer(ApplicationSerializer):
    history = StatusChangeSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "history"]
        read_only_fields = fields


class ApplicationCreateSerializer(RequestSerializer):
    job_id = IdField(help_text="One of your jobs.")
    status = _status_field(default=Status.SAVED, help_text="Where the application stands.")
    cv_id = IdField(required=False, allow_null=True, help_text="One of your CV drafts.")
    cv_version = IdField(required=False, allow_null=True, help_text="Default: its latest version.")
    letter_id = IdField(required=False, allow_null=True, help_text="One of your cover letters.")
    letter_version = IdField(
        required=False, allow_null=True, help_text="Default: its latest version."
    )
    applied_at = serializers.DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class ApplicationUpdateSerializer(RequestSerializer):
    status = _status_field(required=False, help_text="A move `next_statuses` allows.")
    cv_id = IdField(required=False, allow_null=True, help_text="null unlinks the CV.")
    cv_version = IdField(required=False, allow_null=True)
    letter_id = IdField(required=False, allow_null=True, help_text="null unlinks the letter.")
    letter_version = IdField(required=False, allow_null=True)
    applied_at = serializers.DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class ApplicationListQuerySerializer(serializers.Serializer):
    status = _status_field(
        required=False,
        allow_blank=True,  # `?status=` is no filter, as an absent status
        help_text="Only those with this status.",
    )


class InterviewPrepRequestSerializer(RequestSerializer):
    force = serializers.BooleanField(
        default=False, help_text="Prepare afresh instead of reusing an identical earlier answer."
    )


@extend_schema_field(PREP_OPENAPI)
class PrepContentField(serializers.JSONField):
    pass


class InterviewPrepSerializer(ModelSerializer):
    application_id = serializers.IntegerField(read_only=True)
    content = PrepContentField(
        read_only=True,
        help_text="The questions; each outline cites the profile facts it stands on "
        "(`sources`), or says there is no matching experience.",
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What the fact check removed, and why.",
    )
    provider = serializers.CharField(source="provider_type", read_only=True)

    class Meta:
        model = InterviewPrep
        fields = [
            "id",
            "application_id",
            "profile_version",
            "content",
            "warnings",
            "provider",
            "model",
            "prompt_version",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class InterviewPrepVersionSerializer(ModelSerializer):
    content = PrepContentField(read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = InterviewPrepVersion
        fields = ["number", "content", "warnings", "edited_by_user", "created_at"]
        read_only_fields = fields
