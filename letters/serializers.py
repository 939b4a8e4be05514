from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import IdField, ModelSerializer, RequestSerializer
from core.openapi import ErrorCodeField
from documents.serializers import DraftListQuerySerializer

from .models import CoverLetter, CoverLetterVersion
from .rules import body_word_count
from .schemas import LETTER_CONTENT_SCHEMA, TONES

TONE_ERROR = '"{input}" is not a tone; choose one of ' + ", ".join(TONES) + "."


@extend_schema_field(LETTER_CONTENT_SCHEMA)
class LetterContentField(serializers.JSONField):
    pass


def letter_text(content: dict) -> str:
    """The letter as one text, ready to paste: parts separated by blank lines."""
    paragraphs = content.get("paragraphs") or []
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    subject = (content.get("subject") or "").strip()
    parts = [
        f"Subject: {subject}" if subject else "",
        content.get("greeting") or "",
        *paragraphs,
        content.get("sign_off") or "",
        content.get("signature") or "",
    ]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


class LetterRequestSerializer(RequestSerializer):
    job_id = IdField(help_text="One of your extracted jobs.")
    tone = serializers.ChoiceField(
        choices=TONES, default="professional", error_messages={"invalid_choice": TONE_ERROR}
    )
    force = serializers.BooleanField(
        default=False, help_text="Write afresh instead of reusing an identical earlier answer."
    )


class LetterListQuerySerializer(DraftListQuerySerializer):
    tone = serializers.ChoiceField(
        choices=TONES,
        required=False,
        allow_blank=True,  # `?tone=` is no filter, as an absent tone
        error_messages={"invalid_choice": TONE_ERROR},
        help_text="Only those in this tone.",
    )


class CoverLetterSerializer(ModelSerializer):
    job_id = serializers.IntegerField(read_only=True)
    content = LetterContentField(
        read_only=True,
        help_text="subject, greeting, paragraphs (three), sign_off and signature, as the AI "
        "wrote them; sender (your contact details, from your profile), date and recipient "
        "(the company, and the hiring manager when the job names one), added by the service.",
    )
    text = serializers.SerializerMethodField(
        help_text="Subject line, greeting, the paragraphs, sign-off and signature, separated "
        "by blank lines."
    )
    word_count = serializers.SerializerMethodField(help_text="Words in the body paragraphs.")
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Letter rules still broken after one regeneration. Empty when it passed.",
    )
    provider = serializers.CharField(
        source="provider_type", read_only=True, help_text="The AI provider type."
    )
    version = serializers.IntegerField(
        read_only=True,
        help_text="The version `content` is: 1 is what the AI wrote, each edit adds one.",
    )

    class Meta:
        model = CoverLetter
        fields = [
            "id",
            "job_id",
            "tone",
            "profile_version",
            "content",
            "text",
            "word_count",
            "warnings",
            "provider",
            "model",
            "prompt_version",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_text(self, letter: CoverLetter) -> str:
        return letter_text(letter.content)

    def get_word_count(self, letter: CoverLetter) -> int:
        return body_word_count(letter.content)


class CoverLetterVersionSerializer(ModelSerializer):
    content = LetterContentField(read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CoverLetterVersion
        fields = ["number", "content", "warnings", "edited_by_user", "created_at"]
        read_only_fields = fields


# --- The streamed letter's server-sent events (documentation: what `data:` of each holds) ------


class LetterStreamStartSerializer(serializers.Serializer):
    provider = serializers.CharField(help_text="The AI provider type writing the letter.")
    model = serializers.CharField()
    cached = serializers.BooleanField(
        help_text="The cache answered: the whole text follows in one `delta`."
    )


class LetterStreamDeltaSerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text="The next piece of the letter's `text`; all of them together are the text."
    )


class LetterStreamErrorSerializer(serializers.Serializer):
    error_code = ErrorCodeField()
    message = serializers.CharField(help_text="A sentence a user can act on.")


def _event(name: str, data: serializers.Field, description: str) -> type[serializers.Serializer]:
    """One server-sent event as a client reads it: its `event:` name and its `data:`."""
    fields = {
        "event": serializers.ChoiceField(choices=[name], help_text="The `event:` line."),
        "data": data,
    }
    component = f"LetterStream{name.capitalize()}Event"
    return type(component, (serializers.Serializer,), {**fields, "__doc__": description})


LETTER_STREAM_EVENTS = {
    "start": _event(
        "start",
        LetterStreamStartSerializer(),
        "First: the provider has begun (or the cache answered).",
    ),
    "delta": _event("delta", LetterStreamDeltaSerializer(), "The next piece of the letter."),
    "done": _event(
        "done",
        CoverLetterSerializer(),
        "Last, when the letter is whole: the saved letter (the 201 answer's `data`).",
    ),
    "error": _event(
        "error",
        LetterStreamErrorSerializer(),
        "Last, instead of `done`, when the answer broke off: nothing is saved.",
    ),
}
