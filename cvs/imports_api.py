"""Importing a CV file into the master profile, and the profile's versions, over HTTP."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ModelSerializer, RequestSerializer, SafeJSONParser, envelope
from core.errors import InvalidInput
from core.openapi import ErrorEnvelopeSerializer, enveloped, error_responses
from core.throttling import EditRateThrottle
from jobs.serializers import UploadField

from . import imports, profile_versions
from .api import PROFILE_ENVELOPE
from .importer import LOW_CONFIDENCE, MAX_BYTES
from .models import ProfileImport, ProfileVersion
from .schemas import PROFILE_SCHEMA
from .serializers import ProfileSerializer


@extend_schema_field(PROFILE_SCHEMA)
class DraftField(serializers.JSONField):
    pass


class ImportUploadSerializer(RequestSerializer):
    file = UploadField(
        help_text="The CV: PDF, DOCX, plain text (.txt), Markdown (.md), or a LinkedIn data "
        "export (.zip with Profile.csv, Positions.csv, Education.csv, Skills.csv, "
        "Certifications.csv). At most 10 MB and 10 pages."
    )


class ImportApplySerializer(RequestSerializer):
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=imports.FIELDS),
        required=False,
        help_text="Only these parts of the draft (default: all of it; [] takes nothing), e.g. "
        '["basics.email", "work"].',
    )


class DiffItemSerializer(serializers.Serializer):
    path = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "changed"])
    current = serializers.JSONField(allow_null=True)
    imported = serializers.JSONField()


class ProfileImportSerializer(ModelSerializer):
    draft = DraftField(read_only=True, help_text="What was read, in the profile's shape.")
    confidence = serializers.DictField(
        child=serializers.FloatField(),
        read_only=True,
        help_text="How sure the parser is of each field (0 to 1), by path: `basics.name`, "
        "`work[0]`.",
    )
    low_confidence = serializers.SerializerMethodField(
        help_text=f"The paths whose confidence is below {LOW_CONFIDENCE}: check them."
    )
    ai_filled = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="The paths an AI filled in."
    )
    unread = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What could not be placed in the profile (sections it has no field for).",
    )
    diff = serializers.SerializerMethodField()

    class Meta:
        model = ProfileImport
        fields = [
            "id",
            "filename",
            "file_format",
            "draft",
            "confidence",
            "low_confidence",
            "ai_filled",
            "unread",
            "diff",
            "applied_version",
            "created_at",
        ]
        read_only_fields = fields

    def get_low_confidence(self, item: ProfileImport) -> list[str]:
        return [path for path, value in item.confidence.items() if value < LOW_CONFIDENCE]

    @extend_schema_field(DiffItemSerializer(many=True))
    def get_diff(self, item: ProfileImport) -> list[dict]:
        current = self.context.get("current") or {}
        return imports.profile_import_diff(current=current, draft=item.draft)


class ProfileVersionSerializer(ModelSerializer):
    data = DraftField(read_only=True)

    class Meta:
        model = ProfileVersion
        fields = ["number", "source", "data", "created_at"]
        read_only_fields = fields


IMPORT_ENVELOPE = enveloped("ProfileImportEnvelope", ProfileImportSerializer())


class ProfileImportView(APIView):
    parser_classes = [MultiPartParser]
    throttle_classes = [EditRateThrottle]

    @extend_schema(
        operation_id="profile_import",
        summary="Read a CV file into a draft of your profile (nothing is saved to it yet).",
        description="Parsed without AI: a PDF by the position of each character (two-column "
        "layouts included), a DOCX by its styles, text and Markdown by their headings, a "
        "LinkedIn export by its columns. The answer holds the draft in the profile's shape, "
        "the parser's confidence per field, what it could not read and a diff against your "
        "current profile. Apply it with `POST /api/v1/profile/import/{id}/apply`. A scanned "
        "PDF gets 422 NO_TEXT_LAYER; a file that is not what its name says, encrypted, "
        "damaged, over 10 MB or 10 pages gets 422 UNREADABLE_FILE; a file with no CV field "
        "in it 422 NOTHING_READ.",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: IMPORT_ENVELOPE,
            **error_responses(400, 401),
            422: OpenApiResponse(
                ErrorEnvelopeSerializer,
                description="NO_TEXT_LAYER (a scanned PDF), UNREADABLE_FILE or NOTHING_READ.",
            ),
        },
        tags=["profile"],
    )
    def post(self, request: Request) -> Response:
        form = ImportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        if upload.size > MAX_BYTES:
            raise InvalidInput("file: the file is larger than 10 MB.")
        found = imports.profile_import_create(
            user=request.user, filename=upload.name or "", body=upload.read()
        )
        current = imports.profile_current(user=request.user)
        data = ProfileImportSerializer(found, context={"current": current}).data
        message = "Read; check the draft and apply it to your profile."
        return envelope(data, message=message, status=201)


class ProfileImportApplyView(APIView):
    parser_classes = [SafeJSONParser]
    throttle_classes = [EditRateThrottle]

    @extend_schema(
        operation_id="profile_import_apply",
        summary="Merge an import's draft into your profile, as a new profile version.",
        description="Contact details replace yours; roles, schools, skills, certificates and "
        "languages you do not have yet are added (those you have are kept as you wrote them). "
        "`fields` takes only those parts. Undo: restore the version before "
        "(`POST /api/v1/profile/versions/{number}/restore`).",
        request=ImportApplySerializer,
        responses={200: PROFILE_ENVELOPE, **error_responses(400, 401, 404)},
        tags=["profile"],
    )
    def post(self, request: Request, import_id: int) -> Response:
        form = ImportApplySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        profile = imports.profile_import_apply(
            user=request.user, import_id=import_id, fields=form.validated_data.get("fields")
        )
        return envelope(
            ProfileSerializer(profile).data, message=f"Saved as profile version {profile.version}."
        )


class ProfileVersionListView(APIView):
    @extend_schema(
        operation_id="profile_versions",
        summary="Your profile's versions, newest first (the last 50).",
        responses={
            200: enveloped("ProfileVersionsEnvelope", ProfileVersionSerializer(many=True)),
            **error_responses(401),
        },
        tags=["profile"],
    )
    def get(self, request: Request) -> Response:
        versions = profile_versions.profile_versions_list(user=request.user)
        return envelope(ProfileVersionSerializer(versions, many=True).data)


class ProfileVersionRestoreView(APIView):
    throttle_classes = [EditRateThrottle]

    @extend_schema(
        operation_id="profile_version_restore",
        summary="Make an earlier version your profile again (as a new version).",
        request=None,
        responses={200: PROFILE_ENVELOPE, **error_responses(401, 404)},
        tags=["profile"],
    )
    def post(self, request: Request, number: int) -> Response:
        profile = imports.profile_version_restore(user=request.user, number=number)
        return envelope(
            ProfileSerializer(profile).data,
            message=f"Version {number} restored as version {profile.version}.",
        )
