"""The secret scrubber: every message we store or show passes through it.

Users paste keys into CVs and job posts, vendors echo keys (masked or not) in error text, and a
webhook's URL carries its token. The patterns are detect-secrets' maintained plugins (AWS,
GitHub, GitLab, Slack, Stripe, JWT, private keys, basic-auth URLs and more) plus the AI vendors'
key shapes it does not know yet; a new plugin in a detect-secrets release is picked up without
a code change.
"""

from __future__ import annotations

import functools
import re

REDACTED = "[redacted]"

# Keys of the AI vendors we call or that users are likely to paste, where detect-secrets has no
# plugin (its OpenAI one needs the legacy "T3BlbkFJ" marker). The look-behind keeps words such
# as "task-force" or "shelf_life" intact. Masked echoes ("sk-ab****wxyz") are caught too.
_VENDOR_KEYS = (
    r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-*.]{3,}",  # OpenAI, Anthropic (sk-ant-), sk-proj-
    r"AIza[0-9A-Za-z_\-*.]{6,}",  # Google API keys (Gemini)
    r"(?<![A-Za-z0-9])gsk_[A-Za-z0-9*]{8,}",  # Groq
    r"(?<![A-Za-z0-9])xai-[A-Za-z0-9*]{8,}",  # xAI
    r"(?<![A-Za-z0-9])hf_[A-Za-z0-9*]{8,}",  # Hugging Face
    r"(?<![A-Za-z0-9])(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_*]{8,}",  # GitHub, short too
    r"eyJ[A-Za-z0-9_\-]+\.eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*",  # a whole JWT, signature too
    r"(?i:bearer\s+)[A-Za-z0-9_\-.=+/*]{8,}",
    r"(?i:(?:api[_-]?)?key=)[^&\s\"']+",
)

# Plugins that flag things that are not secrets in our messages (public IP addresses).
_NOT_SECRETS = {"Public IP (ipv4)"}


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector

    found = [re.compile(pattern) for pattern in _VENDOR_KEYS]
    for secret_type, plugin in sorted(get_mapping_from_secret_type_to_class().items()):
        if secret_type in _NOT_SECRETS or not issubclass(plugin, RegexBasedDetector):
            continue
        found.extend(plugin.denylist)
    return tuple(found)


def scrub(text: str, *secrets: str) -> str:
    """The text with the given `secrets` and anything shaped like a key or token replaced by
    "[redacted]"."""
    if not text:
        return text
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    for pattern in _patterns():
        text = pattern.sub(REDACTED, text)
    return text
