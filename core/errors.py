"""The application's error type: every domain failure carries an error code and an HTTP status.

One DRF exception handler (core/api.py) turns these into the error envelope, so views never
wrap exceptions themselves.
"""

from __future__ import annotations


class AppError(Exception):
    code = "INTERNAL_ERROR"
    status = 500
    default_message = "Something went wrong."

    def __init__(self, message: str | None = None, *, headers: dict[str, str] | None = None):
        self.message = message or self.default_message
        self.headers = headers or {}
        super().__init__(self.message)


class InvalidInput(AppError):
    code, status, default_message = "INVALID_INPUT", 400, "The request is not valid."


class Unauthorized(AppError):
    code, status, default_message = "UNAUTHORIZED", 401, "Authentication is required."


class NotFound(AppError):
    code, status, default_message = "NOT_FOUND", 404, "Not found."


class FetchFailed(AppError):
    """A job page could not be fetched (blocked, login wall, too big, not HTML)."""

    code, status = "FETCH_FAILED", 422
    default_message = (
        "The page could not be fetched. Upload a screenshot of the posting or paste its text."
    )


class QuotaExceeded(AppError):
    code, status, default_message = "QUOTA_EXCEEDED", 429, "Your plan's quota is used up."

    def __init__(self, message: str | None = None, *, retry_after: int | None = None):
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        self.retry_after = retry_after
        super().__init__(message, headers=headers)


class ClientClosed(AppError):
    """A client hung up before a streamed answer ended: only ever logged, nobody is left to
    tell (499 is what proxies log for it)."""

    code, status = "CLIENT_CLOSED", 499
    default_message = "The client closed the connection before the answer ended."


class NoProviderConfigured(AppError):
    code, status = "NO_PROVIDER", 503
    default_message = (
        "No AI provider is configured. An admin must add one in the admin console "
        "or set GEMINI_API_KEY / OPENAI_API_KEY / ANTHROPIC_API_KEY."
    )


class ServiceUnavailable(AppError):
    """Busy for now, and saying until when (Retry-After): too many AI calls in flight in this
    process, or every provider rate limiting us or paused by its circuit breaker."""

    code, status = "SERVICE_UNAVAILABLE", 503
    default_message = "The service is busy; try again shortly."

    def __init__(self, message: str | None = None, *, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class ProviderFailed(AppError):
    code, status, default_message = "PROVIDER_ERROR", 502, "The AI provider failed."


class ProviderBilling(ProviderFailed):
    """The vendor refuses the account for its billing (credit used up, payment failed)."""

    code = "PROVIDER_BILLING"
    default_message = "The AI provider's account has a billing problem."


class ProviderTimeout(AppError):
    code, status, default_message = "PROVIDER_TIMEOUT", 504, "The AI provider timed out."


class BadAIOutput(AppError):
    code, status, default_message = "BAD_AI_OUTPUT", 502, "The AI answer was not usable."


class PIIBlocked(AppError):
    """A personal value of the user was about to leave for a vendor: the call was stopped
    before it was sent (orchestrator.privacy). Never expected; a defect to report."""

    code, status = "PII_BLOCKED", 422
    default_message = (
        "The request was stopped before it reached the AI provider because it still held your "
        "personal details (name, email, phone or links); nothing was sent. Please report this."
    )


class Abandoned(AppError):
    """A call or task whose process died before it ended, closed by the reaper."""

    code, status = "ABANDONED", 503
    default_message = (
        "The server handling this request stopped before it finished; please try again."
    )


class ContentRefused(AppError):
    """Every provider's model declined the request, or a safety filter blocked it: the content
    is the problem, so no other provider (nor the offline one) answers in their place."""

    code, status = "CONTENT_REFUSED", 422
    default_message = (
        "The AI models declined this request on content or safety grounds. Change the text "
        "(or the image) and try again."
    )


class OutputTruncated(AppError):
    """The answer reached the model's output cap before it was complete (often because the
    model spent the cap thinking), and a larger cap did not help or was not allowed."""

    code, status = "OUTPUT_TRUNCATED", 502
    default_message = "The AI answer was cut off at its length limit."


# What a user reads about a failed attempt in their usage log. The stored error message is the
# vendor's own text, for admins: it names providers, HTTP statuses and key fragments.
USER_MESSAGES = {
    ProviderFailed.code: "The AI provider could not answer; another one may have served the "
    "request.",
    ProviderTimeout.code: "The AI provider did not answer in time.",
    BadAIOutput.code: "The AI answer was not usable.",
    ContentRefused.code: "The AI model declined the request on content or safety grounds.",
    OutputTruncated.code: "The AI answer was cut off at its length limit.",
    QuotaExceeded.code: "Your plan's quota was used up; the call was not made.",
    NoProviderConfigured.code: "No AI provider was available.",
    PIIBlocked.code: "The call was stopped before it left: it still held your personal details.",
    Abandoned.code: "The server stopped before the call ended; the tokens sent are counted.",
    ServiceUnavailable.code: "The AI providers were busy; try again shortly.",
}
UNKNOWN_USER_MESSAGE = "The AI call failed."


def user_message(code: str) -> str:
    """The plain sentence a user sees for an error code ('' for no error)."""
    if not code:
        return ""
    return USER_MESSAGES.get(code, UNKNOWN_USER_MESSAGE)


class NoTextLayer(AppError):
    """A PDF with no text to read: a scan or a photo of a CV."""

    code, status = "NO_TEXT_LAYER", 422
    default_message = (
        "This PDF has no text layer (it is a scan or an image), so it cannot be read. Upload "
        "the original PDF your editor exported, or a DOCX."
    )
