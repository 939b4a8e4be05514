"""What one AI call asks, built once: the task's registration plus the call's own arguments.

The same frozen `AIRequest` goes from the product's call through the gateway
(orchestrator/gateway/) to the adapter that sends it (orchestrator/providers/); what
changes on the way (placeholders for personal values, a repair's prompt, a parameter a model
refused) makes a new one with `dataclasses.replace`, never a reshaped dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from .registry import AITaskSpec, OutputCheck


@dataclass(frozen=True)
class AIRequest:
    """One AI request.

    - `task`: the registered task's name (orchestrator.registry).
    - `prompt`, `system_prompt`, `temperature`, `max_tokens`: as the vendor is sent them
      (None: the vendor's or the setting's default).
    - `image`, `image_mime`: a screenshot and its MIME type (`image_type` sniffs it when the
      caller does not say; the constructors here and in orchestrator.services do).
    - `json_schema`: the answer must be JSON of this schema (its parsed data is the result's).
    - `omit`: parameters left out because the model refused them (orchestrator.gateway.attempt).
    - `personal`: the user's personal values; the gateway sends placeholders in their place
      and drops them from the request before any adapter sees it (orchestrator.privacy).
    - `check`: the task's own rules for a whole answer (AITaskSpec.check), carried by the
      requests built from its registration (`of_task`); `check_context` is what they read
      beyond the answer (for a CV, the profile it must not go beyond).
    - `variables`: the values of the task's prompt template (AITaskSpec.prompt). The gateway
      renders the prompt version it chose for the call over them (orchestrator.registry.
      prompt_choose), once, when the call opens; until then `prompt` is the caller's text.
    - `feedback`: said after the prompt, whichever version renders it: the rule a previous
      answer broke, on the one more try the task's check asks for.
    - `versioned`: built from the task's registration (`of_task`), so it takes the prompt
      version the gateway chooses (its system prompt, its template, an experiment arm's
      tier); a request built by hand is sent as it is.
    """

    task: str
    prompt: str
    image: bytes | None = None
    image_mime: str | None = None
    system_prompt: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    json_schema: dict | None = None
    omit: tuple[str, ...] = ()
    personal: Mapping[str, str] | None = field(default=None, repr=False, compare=False)
    check: OutputCheck | None = field(default=None, repr=False, compare=False)
    check_context: Any = field(default=None, repr=False, compare=False)
    variables: Mapping[str, str] | None = field(default=None, repr=False)
    feedback: str = ""
    versioned: bool = False

    @classmethod
    def of_task(
        cls,
        spec: AITaskSpec,
        *,
        prompt: str = "",
        variables: Mapping[str, str] | None = None,
        image: bytes | None = None,
        image_mime: str | None = None,
        system_prompt: str | None = None,
        personal: Mapping[str, str] | None = None,
        check_context: Any = None,
    ) -> AIRequest:
        """A call of a registered task: what its registration says every call sends. Streamed
        or not, the same request, and so the same cached answer. A task registered `personal`
        called without its values is refused before it leaves, never sent as it is. Its system
        prompt and prompt template come from the prompt version the gateway chooses for the
        call, unless the caller writes its own system prompt."""
        from .privacy import MISSING

        if spec.personal and personal is None:
            personal = MISSING
        return cls(
            task=spec.name,
            prompt=prompt,
            image=image,
            image_mime=image_type(image, image_mime),
            system_prompt=system_prompt,
            temperature=spec.temperature,
            json_schema=spec.response_schema,
            personal=personal,
            check=spec.check,
            check_context=check_context,
            variables=variables,
            versioned=True,
        )

    @property
    def most_tokens(self) -> int:
        """The most the answer may take: `max_tokens` or the setting's default."""
        return self.max_tokens or settings.AI_DEFAULT_MAX_TOKENS

    def estimated_tokens(self) -> int:
        """What to reserve: ~4 characters a token for the text, a flat allowance for an image
        (vendors bill a screenshot at roughly 250-1,600 tokens), plus the most it may answer."""
        text = len(self.prompt) + len(self.system_prompt or "")
        image = 1600 if self.image else 0
        return text // 4 + 1 + image + self.most_tokens


def image_type(image: bytes | None, image_mime: str | None) -> str | None:
    """The screenshot's MIME type: the caller's, or sniffed from its bytes. Worked out once,
    when the request is built, not in `__post_init__`: every `dataclasses.replace` on the way
    would run it again."""
    if image is None or image_mime:
        return image_mime
    return sniff_image_mime(image)


def sniff_image_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"
