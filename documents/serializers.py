"""The request shapes every document's endpoints share: a merge-patch edit, the list filter
by job, and the export's format and paper."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import IdField, RequestSerializer

from .export import FORMATS as EXPORT_FORMATS
from .export import PAPERS

FORMAT_ERROR = '"{input}" is not an export format; choose one of ' + ", ".join(EXPORT_FORMATS) + "."


@extend_schema_field({"type": "object", "additionalProperties": True})
class MergePatchField(serializers.JSONField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError("a patch must be a JSON object.")
        return super().to_internal_value(data)


class DraftListQuerySerializer(serializers.Serializer):
    job_id = IdField(required=False, help_text="Only those for this job.")


class DraftEditSerializer(RequestSerializer):
    content = MergePatchField(
        required=False,
        default=dict,
        help_text="A JSON Merge Patch (RFC 7386) of the content: keys given replace, null "
        "removes a key, lists are replaced whole. The result must fit the content's schema.",
    )


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=list(EXPORT_FORMATS),
        default="pdf",
        error_messages={"invalid_choice": FORMAT_ERROR},
        help_text="pdf, docx (Word), md (Markdown) or txt.",
    )
    paper = serializers.ChoiceField(
        choices=list(PAPERS),
        default="a4",
        error_messages={"invalid_choice": '"{input}" is not a paper size; choose a4 or letter.'},
        help_text="Page size of pdf and docx: a4 or letter (US Letter).",
    )

    def to_internal_value(self, data: Any) -> Any:
        # A query parameter sent empty ("?paper=") would fall back to the default; the
        # schema allows only the listed values, so it is refused as any other wrong value.
        empty = {
            name: [f"Choose one of {', '.join(self.fields[name].choices)}, or leave it out."]
            for name in ("format", "paper")
            if name in data and data.get(name) == ""
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)
