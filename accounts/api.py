from __future__ import annotations

from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import envelope
from core.errors import NotFound, Unauthorized
from core.openapi import enveloped, error_responses

from . import services, tokens
from .serializers import (
    RegisteredSerializer,
    RegisterSerializer,
    RevokedSerializer,
    TokenInfoSerializer,
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
            {"user": UserSerializer(user).data, "token": token.token, "expiry": token.expiry},
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
        summary="Exchange a username and password for a new API token (one per device or session).",
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
        return envelope({"token": token.token, "expiry": token.expiry})


class LogoutView(APIView):
    @extend_schema(
        operation_id="auth_logout",
        summary="Sign out: the token this request carries stops working.",
        request=None,
        responses={
            200: enveloped("LoggedOutEnvelope", RevokedSerializer()),
            **error_responses(401),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        revoked = 0
        if isinstance(request.auth, AuthToken):  # a session sign-in carries no token
            revoked = int(tokens.token_revoke(user=request.user, token_id=request.auth.token_key))
        return envelope({"revoked": revoked}, message="Signed out.")


class TokensView(APIView):
    @extend_schema(
        operation_id="auth_tokens_list",
        summary="Your API tokens that still work: one per sign-in, never the token itself.",
        responses={
            200: enveloped("TokenListEnvelope", TokenInfoSerializer(many=True)),
            **error_responses(401),
        },
        tags=["auth"],
    )
    def get(self, request: Request) -> Response:
        current = request.auth.pk if isinstance(request.auth, AuthToken) else None
        listed = tokens.token_list(user=request.user)
        return envelope(
            TokenInfoSerializer(listed, many=True, context={"current_digest": current}).data
        )

    @extend_schema(
        operation_id="auth_tokens_revoke_all",
        summary="Sign out everywhere: every one of your tokens stops working, this one too.",
        responses={200: enveloped("RevokedEnvelope", RevokedSerializer()), **error_responses(401)},
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        revoked = tokens.tokens_revoke_all(user=request.user)
        return envelope({"revoked": revoked}, message="Every token revoked.")


class TokenDetailView(APIView):
    @extend_schema(
        operation_id="auth_tokens_revoke",
        summary="Revoke one of your tokens by the id the list shows.",
        responses={
            200: enveloped("RevokedOneEnvelope", RevokedSerializer()),
            **error_responses(401, 404),
        },
        tags=["auth"],
    )
    def delete(self, request: Request, token_id: str) -> Response:
        if not tokens.token_revoke(user=request.user, token_id=token_id):
            raise NotFound("You have no token with this id.")
        return envelope({"revoked": 1}, message="Token revoked.")
