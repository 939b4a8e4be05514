"""What every vendor adapter shares: turning a failed call into our ProviderError.

An adapter maps what is its vendor's own first (Anthropic's 402 billing error, OpenAI's
insufficient_quota, Gemini's API_KEY_INVALID and per-day quotas) and hands the rest here, so a
status means the same thing whichever vendor sent it.
"""

from __future__ import annotations

import re
from types import ModuleType

from . import (
    AUTH,
    BAD_OUTPUT,
    BAD_REQUEST,
    MODEL_ACCESS,
    RATE_LIMITED,
    REGION,
    TIMEOUT,
    UNAVAILABLE,
    ProviderError,
    retry_after_seconds,
)

_REGION = re.compile(r"\b(country|region|territory|location)\b", re.IGNORECASE)
_LOCATION = re.compile(r"location is not supported", re.IGNORECASE)
_MODEL = re.compile(r"\bmodel\b", re.IGNORECASE)


class VendorAdapter:
    api_key: str = ""

    def _status_error(
        self,
        status: int,
        message: str,
        *,
        retry_after: float | None = None,
        rate_limit_retryable: bool = True,
    ) -> ProviderError:
        """An HTTP error answer: bad keys and bad requests go straight to the next provider;
        rate limits, overload and server errors are worth another try (a rate limit not,
        when it is the account's quota rather than load)."""
        if status == 400 and _LOCATION.search(message):
            return ProviderError(REGION, message, status=status)
        if status == 403:
            # OpenAI 403 unsupported_country_region_territory, Gemini 400 "User location is
            # not supported for the API use.", OpenAI 403 "You are not allowed to sample from
            # this model", Anthropic 403 permission_error: a new key would not help.
            if _REGION.search(message):
                return ProviderError(REGION, message, status=status)
            if _MODEL.search(message):
                return ProviderError(MODEL_ACCESS, message, status=status)
        if status in (401, 403):
            return ProviderError(AUTH, message, status=status)
        if status == 429:
            return ProviderError(
                RATE_LIMITED,
                message,
                status=status,
                retry_after=retry_after,
                retryable=rate_limit_retryable,
            )
        if status >= 500 or status == 408:  # Anthropic's 529 = overloaded
            return ProviderError(UNAVAILABLE, message, status=status, retry_after=retry_after)
        return ProviderError(BAD_REQUEST, message, status=status)

    def _sdk_error(
        self, exc: Exception, sdk: ModuleType, message: str, *, rate_limit_retryable: bool = True
    ) -> ProviderError:
        """A failure of the openai or anthropic SDK: both are generated from one template and
        raise the same exception classes."""
        if isinstance(exc, sdk.APITimeoutError):
            return ProviderError(TIMEOUT, "The provider did not answer in time.")
        if isinstance(exc, sdk.APIConnectionError):
            return connect_failure(exc)
        if isinstance(exc, sdk.APIResponseValidationError):
            return ProviderError(BAD_OUTPUT, f"The provider's answer was malformed: {message}")
        if not isinstance(exc, sdk.APIStatusError):
            return ProviderError(BAD_OUTPUT, message)
        return self._status_error(
            exc.status_code,
            message,
            retry_after=retry_after_seconds(exc.response.headers),
            rate_limit_retryable=rate_limit_retryable,
        )


REFUSED_ADDRESS = "Refused to connect:"


def connect_failure(exc: BaseException) -> ProviderError:
    """A connection that failed; one the outbound address policy refused
    (orchestrator.providers.network) says so, and is not retried: the address will not
    change by waiting."""
    seen: BaseException | None = exc
    while seen is not None:
        if str(seen).startswith(REFUSED_ADDRESS):
            return ProviderError(UNAVAILABLE, str(seen), retryable=False)
        seen = seen.__cause__ or seen.__context__
    return ProviderError(UNAVAILABLE, "Could not connect to the provider.")
