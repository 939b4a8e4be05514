"""API tokens sent as `Authorization: Token <token>` or `Authorization: Bearer <token>`.

Web frontends and most HTTP client libraries send bearer tokens; both forms carry the token
POST /api/v1/auth/token hands out (accounts/tokens.py: django-rest-knox tokens, stored as a
digest, each with a sliding expiry)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    keyword = "Token"

    def authenticate_header(self, request):
        return self.keyword

    def _cleanup_token(self, auth_token) -> bool:
        # Knox also reads every other token of the user on each request to delete the expired
        # ones: a query on every API call. Only this token's expiry matters here; the others
        # are deleted when they are used, listed or revoked.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class BearerTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the Bearer form as its own OpenAPI scheme (an HTTP bearer scheme), beside
    tokenAuth for the Token form."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )
