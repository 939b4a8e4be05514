from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.api import ModelSerializer, RequestSerializer

TOKEN_HELP = "Send it as `Authorization: Token <token>` or `Authorization: Bearer <token>`."


class RegisterSerializer(RequestSerializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": "Use letters, digits and @/./+/-/_ only."},
    )
    email = serializers.EmailField()
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=128, style={"input_type": "password"}
    )


class TokenRequestSerializer(RequestSerializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class UserSerializer(ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username", "email"]
        read_only_fields = fields


EXPIRY_HELP = (
    "When the token stops working unless used: each use moves it forward (see the README)."
)


class RegisteredSerializer(serializers.Serializer):
    user = UserSerializer()
    token = serializers.CharField(help_text=TOKEN_HELP)
    expiry = serializers.DateTimeField(allow_null=True, help_text=EXPIRY_HELP)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=TOKEN_HELP + " Shown once; a new one per sign-in.")
    expiry = serializers.DateTimeField(allow_null=True, help_text=EXPIRY_HELP)


class TokenInfoSerializer(serializers.Serializer):
    """One of the user's tokens, as listed: never the token itself."""

    id = serializers.CharField(
        source="token_key", help_text="The token's first characters; DELETE it to revoke it."
    )
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True, help_text=EXPIRY_HELP)
    current = serializers.SerializerMethodField(help_text="Whether this request used it.")

    def get_current(self, token) -> bool:
        return token.pk == self.context.get("current_digest")


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text="How many tokens stopped working.")
