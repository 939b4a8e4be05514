"""API tokens sent as `Authorization: Bearer <token>` as well as DRF's `Token <token>`.

Web frontends and most HTTP client libraries send bearer tokens; the token is the same one
/api/v1/auth/token hands out."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the Bearer form as its own OpenAPI scheme (an HTTP bearer scheme), beside
    drf-spectacular's tokenAuth for the Token form."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )
