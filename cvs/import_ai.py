"""The AI pass of a CV import: only for what the parser left unknown or unsure, and only when a
provider other than the offline one is configured. It runs on the fast tier with the profile
schema as structured output; the contact details the parser found leave only as placeholders
(orchestrator.privacy). Every field it fills is named in the import's `ai_filled`."""

from __future__ import annotations

import json
import logging
from typing import Any

from core.errors import AppError
from documents.selectors import profile_personal_values
from orchestrator.models import ProviderType
from orchestrator.registry import AITaskSpec
from orchestrator.services import generate_task
from orchestrator.snapshot import provider_chain

from .importer import ParsedCV
from .schemas import PROFILE_SCHEMA

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 30_000
SYSTEM = (
    "You read CVs into JSON Resume. Copy only what the CV's text says: never invent an "
    "employer, title, school, degree, date or skill. Dates as YYYY-MM (or YYYY). Leave out "
    "anything the text does not state. Placeholders such as [EMAIL] stand for the person's "
    "details: keep them as they are."
)


def _offline_answer(prompt: str) -> dict:
    return {}  # the offline provider reads nothing the parser did not


PROFILE_IMPORT = AITaskSpec(
    name="profile_import",
    label="CV import (fields the parser missed)",
    system_prompt=SYSTEM,
    response_schema=PROFILE_SCHEMA,
    temperature=0.0,
    offline=_offline_answer,
    personal=True,
)
REQUIRED = ("basics.name", "work", "education", "skills")


def fields_to_fill(parsed: ParsedCV) -> list[str]:
    draft = parsed.draft
    missing = [
        key
        for key in REQUIRED
        if not ((draft.get("basics") or {}).get("name") if key == "basics.name" else draft.get(key))
    ]
    return missing + parsed.low_confidence


def ai_provider_configured() -> bool:
    return any(route.provider_type != ProviderType.OFFLINE for route in provider_chain())


def import_ai_fill(*, user: Any, parsed: ParsedCV) -> list[str]:
    """Fill what the parser could not read from the CV's text; the paths filled. Any failure
    of the AI leaves the parser's draft as it is."""
    wanted = fields_to_fill(parsed)
    if not wanted or not parsed.text.strip() or not ai_provider_configured():
        return []
    prompt = (
        f"The CV's text:\n{parsed.text[:MAX_TEXT_CHARS]}\n\n"
        f"What a parser already read from it:\n{json.dumps(parsed.draft, ensure_ascii=False)}\n\n"
        f"Read these from the text: {', '.join(wanted)}. Answer the whole profile."
    )
    try:
        result = generate_task(
            user=user,
            task=PROFILE_IMPORT,
            prompt=prompt,
            personal=profile_personal_values(profile=parsed.draft),
        )
    except AppError as exc:
        logger.info("CV import: the AI pass failed (%s); the parser's draft stands", exc.code)
        return []
    answer = result.data if isinstance(result.data, dict) else {}
    return _merge(parsed, answer, wanted)


def _merge(parsed: ParsedCV, answer: dict, wanted: list[str]) -> list[str]:
    draft, filled = parsed.draft, []
    for path in wanted:
        if path == "basics.name":
            name = (answer.get("basics") or {}).get("name")
            if isinstance(name, str) and name.strip():
                draft.setdefault("basics", {})["name"] = name.strip()
                filled.append(path)
        elif "[" not in path:
            items = answer.get(path)
            if isinstance(items, list) and items:
                draft[path] = items
                filled.append(path)
        else:  # "work[2]": the AI's item at the same place, when it read as many items
            key, index = path[: path.index("[")], int(path[path.index("[") + 1 : -1])
            ours, theirs = draft.get(key) or [], answer.get(key)
            if isinstance(theirs, list) and len(theirs) == len(ours) and key not in filled:
                if isinstance(theirs[index], dict) and theirs[index]:
                    ours[index] = theirs[index]
                    filled.append(path)
    return filled
