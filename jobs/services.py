"""Turning a job posting (URL, pasted text or screenshot) into a stored Job.

URL: the page is fetched safely; a JSON-LD JobPosting on it is used as is (no AI call),
otherwise its main text goes to the AI. A URL the user extracted before is answered from the
database unless `force` is set. Text: goes to the AI within length limits. Image: checked
from its bytes, then the AI says whether it is a job posting at all, then reads it.
Every AI answer is validated against JOB_SCHEMA by the orchestrator, which asks each provider
once more with the problem named and then moves on to the next; BAD_AI_OUTPUT reaches the user
only when no provider gave a usable answer.

Longer than our usual modules: the three input channels share their validation, provenance
and storage, and each is a few lines of the same story.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core.errors import FetchFailed, InvalidInput, NoProviderConfigured
from core.text import control_character_problem, strip_bad_text, strip_control_characters
from core.validation import schema_problem, validator
from orchestrator.edge import ai_task_submit
from orchestrator.models import AITask, ProviderType
from orchestrator.services import AIResult, generate_task
from orchestrator.snapshot import provider_chain

from . import prompts
from .ai import EXTRACTION, IMAGE_CHECK, extract_job_data
from .fetch import INSTEAD, fetch_page, parse_url
from .images import check_image
from .models import Job
from .page_facts import page_facts
from .parsing import main_text
from .schemas import JOB_FIELDS, JOB_LISTS, JOB_SCHEMA
from .selectors import job_for_url, job_get
from .structured import structured_job

CREATED, EXISTING, UPDATED = "created", "existing", "updated"
MESSAGES = {
    CREATED: "Job extracted.",
    EXISTING: "This URL was already extracted; here is the stored job. "
    "Send force=true to extract it again.",
    UPDATED: "Job extracted again and updated.",
}
ONE_INPUT = "Give exactly one of url, text or image."
NEEDS_VISION = (
    "Reading a screenshot needs a vision-capable AI provider (Gemini, OpenAI or Claude), and "
    "only the offline provider is configured. Paste the posting's text or its URL instead, or "
    "ask an admin to configure a vision-capable provider."
)
MAX_LIST_ITEMS = 100  # a runaway answer must not fill the row with thousands of "skills"


@dataclass(frozen=True)
class Extraction:
    job: Job
    outcome: str  # CREATED | EXISTING | UPDATED

    @property
    def created(self) -> bool:
        return self.outcome == CREATED

    @property
    def message(self) -> str:
        return MESSAGES[self.outcome]


# --- Input rules ---------------------------------------------------------------------------


def job_input_validate(*, url: str | None, text: str | None, image: bytes | None) -> str:
    """The one channel the request names ("url", "text" or "image"), or InvalidInput."""
    given = [
        name
        for name, value in (("url", url), ("text", text), ("image", image))
        if value is not None and (name == "image" or value.strip())
    ]
    if len(given) > 1:
        raise InvalidInput(f"{ONE_INPUT} This request has {' and '.join(given)}.")
    if not given:
        if text is not None:
            raise InvalidInput("The text is empty. Paste the job posting's text.")
        if url is not None:
            raise InvalidInput("The URL is empty.")
        raise InvalidInput(ONE_INPUT)
    if given == ["text"]:
        _check_text(text)
    return given[0]


def _check_text(text: str) -> str:
    text = text.strip()
    low, high = int(settings.TEXT_MIN_CHARS), int(settings.TEXT_MAX_CHARS)
    if len(text) < low:
        raise InvalidInput(
            f"The text is too short ({len(text)} characters); paste at least {low} characters "
            "of the job posting."
        )
    if len(text) > high:
        raise InvalidInput(
            f"The text is too long ({len(text)} characters); the limit is {high} characters."
        )
    return text


def image_read_upload(*, upload: UploadedFile) -> bytes:
    """The uploaded file's bytes; an oversized upload is refused before it is read."""
    max_bytes = int(settings.IMAGE_MAX_BYTES)
    if upload.size is not None and upload.size > max_bytes:
        raise InvalidInput(
            f"The image is larger than {max_bytes / 1_000_000:g} MB. Upload a smaller one."
        )
    return upload.read()


def normalise_url(url: str) -> str:
    """One spelling per page, so the same posting is found again (dedupe key)."""
    url = url.strip()
    if "://" not in url:
        url = "https://" + url  # what people paste from an address bar
    parse_url(url)  # the fetcher's rules, so a URL it would refuse is refused now
    parts = urlsplit(url)
    port, scheme = parts.port, parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc += f":{port}"
    # Tracking parameters name the same page; everything else may select the posting.
    query = "&".join(
        part
        for part in parts.query.split("&")
        if part and not part.split("=", 1)[0].lower().startswith("utm_")
    )
    normalised = urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    if len(normalised) > Job._meta.get_field("source_url").max_length:
        raise InvalidInput("The URL is too long.")
    return normalised


def url_hash(normalised_url: str) -> str:
    return hashlib.sha256(normalised_url.encode()).hexdigest()


# --- Extraction ----------------------------------------------------------------------------


def job_extract(
    *,
    user: Any,
    url: str | None = None,
    text: str | None = None,
    image: bytes | None = None,
    force: bool = False,
) -> Extraction:
    channel = job_input_validate(url=url, text=text, image=image)
    if channel == "url":
        return _extract_url(user=user, url=url, force=force)
    if channel == "text":
        return _extract_text(user=user, text=_check_text(text))
    return _extract_image(user=user, image=image)


def _extract_url(*, user: Any, url: str, force: bool) -> Extraction:
    source_url = normalise_url(url)
    key = url_hash(source_url)
    existing = job_for_url(user=user, url_hash=key)
    if existing is not None and not force:
        return Extraction(existing, EXISTING)
    page = fetch_page(source_url)
    fields = structured_job(page.text) if page.content_type != "text/plain" else None
    if fields is not None:
        provenance = {
            "provider_type": "jsonld",
            "prompt_version": "",
            "model": "",
            "raw_ai_output": "",
            "usage_log_id": None,
        }
    else:
        text = page.text if page.content_type == "text/plain" else main_text(page.text)
        posting = readable = text.strip()
        if page.content_type != "text/plain":
            # The browser title, site name, heading and marked fields say what the text alone
            # often does not (the company, the place); a short page also gets its summary.
            facts = page_facts(page.text, summary=len(readable) < 500)
            posting = f"{facts}\n\n{readable}".strip()
            readable += "".join(
                line for line in facts.splitlines() if line.startswith("Page summary: ")
            )
        if len(readable) < int(settings.TEXT_MIN_CHARS):
            raise FetchFailed(
                "The page has almost no readable text; it may need a sign-in or JavaScript. "
                + INSTEAD
            )
        variables = prompts.extraction_variables(
            posting[: int(settings.TEXT_MAX_CHARS)], source_url=source_url
        )
        # A forced re-extraction wants a fresh answer, not the cached one.
        result = extract_job_data(user=user, variables=variables, use_cache=not force)
        fields, provenance = result.data, _provenance(result)
    with transaction.atomic():
        job, created = Job.objects.update_or_create(
            owner=user,
            source_url_hash=key,
            defaults={
                "source": Job.Source.URL,
                "source_url": source_url,
                **_job_fields(fields),
                **provenance,
            },
        )
    return Extraction(job, CREATED if created else UPDATED)


def _extract_text(*, user: Any, text: str) -> Extraction:
    result = extract_job_data(user=user, variables=prompts.extraction_variables(text))
    job = Job.objects.create(
        owner=user,
        source=Job.Source.TEXT,
        source_text=text,
        **_job_fields(result.data),
        **_provenance(result),
    )
    return Extraction(job, CREATED)


def _extract_image(*, user: Any, image: bytes) -> Extraction:
    checked = check_image(image)
    _require_vision_provider()
    verdict = generate_task(
        user=user,
        task=IMAGE_CHECK,
        variables={},
        image=checked.data,
        image_mime=checked.mime,
    )
    if not verdict.data["is_job_posting"]:
        reason = verdict.data["reason"].strip() or "no reason given"
        raise InvalidInput(f"The image does not look like a job posting: {reason}")
    result = extract_job_data(user=user, prompt=prompts.IMAGE_PROMPT, image=checked.data)
    job = Job.objects.create(
        owner=user,
        source=Job.Source.IMAGE,
        image_sha256=checked.sha256,
        **_job_fields(result.data),
        **_provenance(result),
    )
    return Extraction(job, CREATED)


def _require_vision_provider() -> None:
    """The offline provider cannot see images; say so before spending a call on it."""
    chain = provider_chain()
    if chain and all(route.provider_type == ProviderType.OFFLINE for route in chain):
        raise NoProviderConfigured(NEEDS_VISION)


def _provenance(result: AIResult) -> dict[str, Any]:
    return {
        "provider_type": result.provider,
        "prompt_version": result.prompt_version,
        "model": result.model,
        "raw_ai_output": strip_bad_text(result.text),
        "usage_log_id": result.usage_log_id,
        "tier": result.tier,
        "cost_usd": result.cost_usd,
    }


def _job_fields(data: dict) -> dict[str, Any]:
    """The schema-valid answer, cut to what the columns hold. A page's JSON-LD or an AI answer
    may hold NULs or unpaired surrogates (`\\u0000`, `\\ud800` escapes) that no database or
    response can carry; they are dropped, not refused: the page is not the user's fault."""
    fields: dict[str, Any] = {}
    for name in JOB_FIELDS:
        value = strip_control_characters(strip_bad_text(data.get(name) or "")).strip()
        if name != "description":  # one-line fields; the description keeps its paragraphs
            value = re.sub(r"\s+", " ", value)
        limit = Job._meta.get_field(name).max_length
        fields[name] = value[:limit] if limit else value
    for name in JOB_LISTS:
        items = [
            strip_control_characters(strip_bad_text(item)).strip() for item in data.get(name) or []
        ]
        items = [item for item in items if item]
        fields[name] = list(dict.fromkeys(items))[:MAX_LIST_ITEMS]
    return fields


# --- Async mode ----------------------------------------------------------------------------


def job_extract_submit(
    *,
    user: Any,
    url: str | None = None,
    text: str | None = None,
    image: bytes | None = None,
    force: bool = False,
) -> AITask:
    """Queue an extraction; input mistakes are refused now, not reported by a failed task."""
    channel = job_input_validate(url=url, text=text, image=image)
    params: dict[str, Any] = {"force": force}
    if channel == "url":
        params["url"] = normalise_url(url)
    elif channel == "text":
        params["text"] = _check_text(text)
    else:
        params["image_b64"] = base64.b64encode(check_image(image).data).decode("ascii")
    return ai_task_submit(user=user, kind=EXTRACTION.name, params=params)


def job_delete(*, user: Any, job_id: int) -> None:
    job_get(user=user, job_id=job_id).delete()


# --- Corrections by the user ---------------------------------------------------------------

# A user may correct every field an extraction fills.
_EDITABLE = (*JOB_FIELDS, *JOB_LISTS)


def job_update(*, user: Any, job_id: int, changes: Any) -> Job:
    """Correct fields of one of the user's jobs. The job with the changes applied must fit
    JOB_SCHEMA, as an AI extraction must, and is cleaned the same way (one-line fields,
    blank and repeated list items dropped); a value too long for its column is refused
    rather than cut, since the user typed it."""
    job = job_get(user=user, job_id=job_id)
    _check_changes(changes)
    data = {name: getattr(job, name) for name in _EDITABLE} | changes
    _check_corrected(data)
    cleaned = _job_fields(data)
    changed = [name for name in _EDITABLE if cleaned[name] != getattr(job, name)]
    for name in changed:
        setattr(job, name, cleaned[name])
    if changed:
        job.save(update_fields=[*changed, "updated_at"])
    return job


def _check_changes(changes: Any) -> None:
    """The changes name only fields a user edits and hold no control character."""
    if not isinstance(changes, dict) or not changes:
        raise InvalidInput('Send the fields to correct as a JSON object, e.g. {"title": ...}.')
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise InvalidInput(
            f"{', '.join(unknown)}: not a field you can edit; "
            f"the fields are {', '.join(_EDITABLE)}."
        )
    # A control character is nothing a person types, and no Word file can hold it.
    problem = control_character_problem(changes, path="body")
    if problem:
        raise InvalidInput(problem)


def _check_corrected(data: dict) -> None:
    """The corrected job fits JOB_SCHEMA and its columns, without cutting anything."""
    errors = sorted(validator(JOB_SCHEMA).iter_errors(data), key=lambda e: e.json_path)
    if errors:
        raise InvalidInput(
            "; ".join(f"{e.json_path[2:] or 'body'}: {schema_problem(e)}" for e in errors[:5]) + "."
        )
    for name in JOB_FIELDS:
        limit = Job._meta.get_field(name).max_length
        if limit and len(data[name].strip()) > limit:
            raise InvalidInput(f"{name}: at most {limit} characters.")
    for name in JOB_LISTS:
        if len(data[name]) > MAX_LIST_ITEMS:
            raise InvalidInput(f"{name}: at most {MAX_LIST_ITEMS} items.")
