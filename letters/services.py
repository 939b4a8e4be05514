"""Cover letters: written by the AI from the user's profile and one of their jobs, in a tone.

- The AI task (registered in LettersConfig.ready): its prompt (the code's version 1; the
  prompts app keeps the versions an admin writes after it, and serves this one when it has
  none), its schema, its offline answer, and its check.
- Every letter is checked against the rules in letters.rules (three body paragraphs, 220-320
  words, greeting and sign-off only in their places). A letter that breaks one is regenerated
  once with the rule named (the task's check); one that still breaks it is saved with the
  rules as warnings, so the user always sees them. The quality rules (no repeated phrase, no
  skill set apart from a posting that asks for it, a figure when the profile has some) add
  warnings without a regeneration.
- The sender block, the date and the recipient are the service's, from the profile and the
  job, never the model's: no model ever writes a contact detail.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import transaction

from billing.models import PlanCode
from core.errors import AppError, InvalidInput
from core.prompting import PromptTemplate, block
from documents.selectors import (
    job_ai_fields,
    job_and_profile_for_drafting,
    profile_contact,
    profile_data,
    profile_personal_values,
)
from documents.versions import content_edit, text_clean, version_record
from orchestrator.edge import ai_task_submit
from orchestrator.gateway import AIRequest, AIResult, AIStream, generate, stream
from orchestrator.models import AITask
from orchestrator.registry import QUALITY, AITaskSpec, OutputCheck

from .live_text import LetterText
from .models import CoverLetter
from .offline import answer_cover_letter
from .rules import hiring_manager, letter_problems, letter_quality_problems
from .schemas import (
    BODY_MAX_WORDS,
    BODY_MIN_WORDS,
    BODY_PARAGRAPHS,
    LETTER_CONTENT_SCHEMA,
    LETTER_SCHEMA,
    TONES,
)
from .selectors import letter_get

DEFAULT_TONE = "professional"
TONE_CHOICES = ", ".join(TONES)

# --- The AI task ------------------------------------------------------------------------------

SYSTEM_PROMPT = (
    "You write cover letters. Use only facts from the candidate's profile. Answer with one "
    f"JSON object: subject, greeting, paragraphs (exactly {BODY_PARAGRAPHS} body paragraphs, "
    f"{BODY_MIN_WORDS}-{BODY_MAX_WORDS} words in total), sign_off and signature. The greeting "
    "and sign-off go only in their own fields, never inside a paragraph."
)

LETTER_PROMPT = PromptTemplate(
    user=(
        "Write a $tone cover letter for this candidate and job.\n\n$tone_block\n\n$profile\n\n$job"
    ),
    variables=("tone", "tone_block", "profile", "job"),
    required=("tone_block", "profile", "job"),
)

# Paying plans get the quality tier for the documents a recruiter reads.
COVER_LETTER = AITaskSpec(
    name="cover_letter",
    label="Cover letter",
    system_prompt=SYSTEM_PROMPT,
    prompt=LETTER_PROMPT,
    response_schema=LETTER_SCHEMA,
    temperature=0.5,
    offline=answer_cover_letter,
    personal=True,
    tiers={PlanCode.PAYGO: QUALITY, PlanCode.PRO_MONTHLY: QUALITY, PlanCode.PRO_ANNUAL: QUALITY},
    # A letter that breaks a rule of letters.rules is written once more, with the rule named
    # (a streamed letter is not: its rules become its warnings).
    check=OutputCheck(
        problems=lambda letter, _context: letter_problems(letter),
        retry_prompt="\n\nYour previous letter broke a rule: {}. Fix this.",
    ),
)


def letter_variables(profile: dict, job: dict, tone: str) -> dict[str, str]:
    return {
        "tone": tone,
        "tone_block": block("tone", tone),
        "profile": block("profile", profile),
        "job": block("job", job),
    }


def cover_letter_request(*, master_profile: dict, job_data: dict, tone: str) -> AIRequest:
    """The request of a cover letter; streamed or not, the same request (and so the same
    cached answer)."""
    return AIRequest.of_task(
        COVER_LETTER,
        variables=letter_variables(master_profile, job_data, tone),
        personal=profile_personal_values(profile=master_profile),
    )


def draft_cover_letter(
    *,
    user: Any,
    master_profile: dict,
    job_data: dict,
    tone: str = DEFAULT_TONE,
    provider_type: str | None = None,
    use_cache: bool = True,
) -> AIResult:
    request = cover_letter_request(master_profile=master_profile, job_data=job_data, tone=tone)
    return generate(request, user=user, provider_type=provider_type, use_cache=use_cache)


# --- The letter -------------------------------------------------------------------------------


def letter_tone_validate(*, tone: Any) -> str:
    if tone not in TONES:
        raise InvalidInput(f'"{tone}" is not a tone; choose one of {TONE_CHOICES}.')
    return tone


def letter_generate(
    *, user: Any, job_id: int, tone: str = DEFAULT_TONE, force: bool = False
) -> CoverLetter:
    """A letter for the user's profile and one of their jobs. `force` skips the result cache."""
    tone = letter_tone_validate(tone=tone)
    job, profile = job_and_profile_for_drafting(user=user, job_id=job_id)
    result = draft_cover_letter(
        user=user,
        master_profile=profile.data,
        job_data=job_ai_fields(job=job),
        tone=tone,
        use_cache=not force,
    )
    return _letter_save(user=user, job=job, tone=tone, profile=profile, result=result)


def letter_addressing(*, profile: dict, job: Any, today: date | None = None) -> dict:
    """The sender block (the profile's contact details), the date (ISO) and the recipient (the
    company, and the hiring manager when the job names one)."""
    return {
        "sender": profile_contact(profile),
        "date": (today or date.today()).isoformat(),
        "recipient": {
            "name": hiring_manager(job),
            "company": getattr(job, "company", "") or "",
            "location": getattr(job, "location", "") or "",
        },
    }


def _letter_save(*, user: Any, job: Any, tone: str, profile: Any, result: AIResult) -> CoverLetter:
    """Store the AI's letter with the sender, date and recipient filled in from the profile and
    the job, and every rule it breaks (letters.rules) as its warnings."""
    content = {
        **text_clean(result.data),
        **letter_addressing(profile=profile.data, job=job),
    }
    problems = letter_problems(content) + letter_quality_problems(
        content, profile=profile.data, job=job
    )
    with transaction.atomic():
        letter = CoverLetter.objects.create(
            owner=user,
            job=job,
            tone=tone,
            profile_version=profile.version,
            content=content,
            warnings=problems,
            prompt_version=result.prompt_version,
            provider_type=result.provider,
            model=result.model,
            usage_log_id=result.usage_log_id,
            tier=result.tier,
            cost_usd=result.cost_usd,
        )
        version_record(item=letter, edited_by_user=False)
    return letter


def letter_generate_stream(
    *, user: Any, job_id: int, tone: str = DEFAULT_TONE, force: bool = False
) -> Iterator[tuple[str, dict]]:
    """A letter written while the client watches: (event, data) pairs, `start` when the
    provider began (or the cache answered), a `delta` per growth of the letter's text, then
    `done` with the saved letter, or `error` with error_code and message if the answer broke
    off. The letter rules run on the finished letter: what they find is its `warnings` (a
    streamed letter is not written twice). Everything before the first piece (a wrong job,
    the quota, every provider failing) raises here, before any event."""
    tone = letter_tone_validate(tone=tone)
    job, profile = job_and_profile_for_drafting(user=user, job_id=job_id)
    request = cover_letter_request(
        master_profile=profile.data, job_data=job_ai_fields(job=job), tone=tone
    )
    answer = stream(request, user=user, use_cache=not force)
    return _letter_events(stream=answer, user=user, job=job, tone=tone, profile=profile)


def _letter_events(
    *, stream: AIStream, user: Any, job: Any, tone: str, profile: Any
) -> Iterator[tuple[str, dict]]:
    from .serializers import CoverLetterSerializer

    text = LetterText()
    try:
        yield "start", {"provider": stream.provider, "model": stream.model, "cached": stream.cached}
        for piece in stream:
            if delta := text.feed(piece):
                yield "delta", {"text": delta}
    except AppError as exc:
        yield "error", {"error_code": exc.code, "message": exc.message}
        return
    finally:
        stream.close()
    result = stream.result
    if delta := text.finish(result.data):
        yield "delta", {"text": delta}
    letter = _letter_save(user=user, job=job, tone=tone, profile=profile, result=result)
    yield "done", dict(CoverLetterSerializer(letter).data)


def letter_generate_submit(
    *, user: Any, job_id: int, tone: str = DEFAULT_TONE, force: bool = False
) -> AITask:
    """Queue a letter; a bad tone, a wrong job or an empty profile is refused now."""
    letter_tone_validate(tone=tone)
    job_and_profile_for_drafting(user=user, job_id=job_id)
    return ai_task_submit(
        user=user,
        kind=COVER_LETTER.name,
        params={"job_id": job_id, "tone": tone, "force": force},
    )


def letter_delete(*, user: Any, letter_id: int) -> None:
    letter_get(user=user, letter_id=letter_id).delete()


def letter_edit(*, user: Any, letter_id: int, patch: Any) -> tuple[CoverLetter, bool]:
    """Save the user's edit of a letter as its next version; the letter rules run again and
    what they find becomes its warnings."""
    facts = profile_data(user=user)
    letter = letter_get(user=user, letter_id=letter_id)
    return content_edit(
        items=CoverLetter.objects.filter(owner=user),
        item_id=letter_id,
        patch=patch,
        schema=LETTER_CONTENT_SCHEMA,
        check=lambda content: (
            letter_problems(content)
            + letter_quality_problems(content, profile=facts, job=letter.job)
        ),
        what="cover letter",
    )
