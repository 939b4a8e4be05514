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


class RegisteredSerializer(serializers.Serializer):
    user = UserSerializer()
    token = serializers.CharField(help_text=TOKEN_HELP)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=TOKEN_HELP)
