from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import envelope
from core.errors import Unauthorized
from core.openapi import enveloped, error_responses

from . import services
from .serializers import (
    RegisteredSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)
from .throttling import SIGN_IN_THROTTLES, SIGN_UP_THROTTLES, SignInFailures


class RegisterView(APIView):
    # No session: a browser's stale cookie must not turn sign-up into a CSRF failure.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = SIGN_UP_THROTTLES

    @extend_schema(
        operation_id="auth_register",
        summary="Create an account on the Freemium plan and get an API token.",
        request=RegisterSerializer,
        responses={
            201: enveloped("RegisteredEnvelope", RegisteredSerializer()),
            **error_responses(400, 429),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        form = RegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user, token = services.user_register(**form.validated_data)
        return envelope(
            {"user": UserSerializer(user).data, "token": token.key},
            message="Account created.",
            status=201,
        )


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = SIGN_IN_THROTTLES

    def get_throttles(self) -> list:
        # The instances that checked this request: they know what they counted (DRF makes new
        # ones on every call).
        if not hasattr(self, "_throttles"):
            self._throttles = super().get_throttles()
        return self._throttles

    @extend_schema(
        operation_id="auth_token",
        summary="Exchange a username and password for your API token.",
        request=TokenRequestSerializer,
        responses={
            200: enveloped("TokenEnvelope", TokenSerializer()),
            **error_responses(400, 401, 429),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        # The throttle counted this attempt as a failed sign-in when it let it through (so a
        # burst cannot pass before the first failure is counted): only a wrong password keeps
        # it counted.
        (failures,) = (t for t in self.get_throttles() if isinstance(t, SignInFailures))
        try:
            form = TokenRequestSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            token = services.auth_token_obtain(**form.validated_data)
        except Unauthorized:
            raise
        except Exception:
            failures.not_a_failure()
            raise
        failures.succeeded()
        return envelope({"token": token.key})
