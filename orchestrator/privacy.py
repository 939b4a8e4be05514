"""Personal values out, placeholders in: what a vendor is sent for a task that carries them.

A task registered with `personal=True` (a CV, a letter) is called with the user's known
personal values (`personal=`, e.g. cvs.personal.profile_personal_values): the gateway puts a
stable placeholder (`[[EMAIL]]`) in the place of each one in the prompt and the system prompt
before anything else sees the request — the cache key, the capture, the offline provider and
the vendors all work on placeholders — and puts the values back into the answer.

We know exactly which values are personal, so no detector is needed that could miss one; and
the same patterns that replace them scan every outgoing request once more just before the
adapter call (`Shield.leak`): a value that still shows (a repair prompt quoting an answer, a
bug) stops the call there (PII_BLOCKED), it never fails open; so does a call of a personal
task made without its values (task_request hands on MISSING). Images are sent as they are: a
screenshot is a job posting, never the profile, so there is nothing to replace in one.

A value shorter than MIN_CHARS (a two-letter username) says nothing about a person and would
match everywhere, so it is left alone; phone numbers match with any separators between their
digits. Matching ignores case and whole words only: the username `ada` is not in `Canada`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

MIN_CHARS = 3
MIN_PHONE_DIGITS = 6
_PLACEHOLDER = re.compile(r"\[\[\s*([A-Za-z0-9_]+)\s*\]\]")
# The start of a placeholder cut off at the end of a streamed piece: held back until the next.
_PLACEHOLDER_START = re.compile(r"\[(?:\[\s*[A-Za-z0-9_]*\s*\]?)?\Z")
_PHONE_SEPARATORS = r"[\s\-./()]*"
# What the adapters receive that is text written from the user's data.
TEXT_FIELDS = ("prompt", "system_prompt")

# Said to the model whenever placeholders were put in, so it copies them where they belong.
INSTRUCTION = (
    "Personal details of the candidate appear as placeholders in double square brackets, "
    "such as [[NAME]] or [[EMAIL]]. Copy a placeholder exactly where that detail belongs; "
    "never invent a name, email address, phone number, address or link."
)


def _pattern(key: str, value: str) -> str | None:
    """The regular expression of one value as it may stand in a prompt: as written, or
    escaped inside a JSON string; any blanks where it has blanks; a phone number with any
    separators between its digits. None for a value too short to say anything."""
    if key.startswith("PHONE"):
        digits = re.sub(r"\D", "", value)
        if len(digits) < MIN_PHONE_DIGITS:
            return None
        return r"(?<![\d+])\+?" + _PHONE_SEPARATORS.join(digits) + r"(?!\d)"
    if len(value) < MIN_CHARS:
        return None
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    alternatives = []
    for form in sorted(forms, key=len, reverse=True):
        body = r"\s+".join(map(re.escape, form.split()))
        # Whole words only where the value begins or ends with a letter or digit.
        before = r"(?<!\w)" if re.match(r"\w", form) else ""
        after = r"(?!\w)" if re.search(r"\w\Z", form) else ""
        alternatives.append(f"{before}{body}{after}")
    return "|".join(alternatives)


class Shield:
    """The placeholders of one call: `hide` them in a request, `leak` checks an outgoing one,
    `restore` puts the values back into an answer.

    One regular expression finds them all in one pass; the placeholders already in a text are
    its first alternative, so they are kept as they are (a username `name` stays out of
    `[[NAME]]`)."""

    def __init__(self, personal: Mapping[str, str]):
        found = []
        for key, value in personal.items():
            value = (value or "").strip()
            pattern = _pattern(key, value) if value else None
            if pattern is not None:
                found.append((key, value, pattern))
        # The longest first: where two begin at one place, the URL is taken before the
        # username inside it.
        found.sort(key=lambda item: len(item[1]), reverse=True)
        self._keys = [key for key, _, _ in found]
        self._by_key = {key: value for key, value, _ in found}
        alternatives = [rf"(?P<v{i}>{pattern})" for i, (_, _, pattern) in enumerate(found)]
        self._pattern = (
            re.compile("|".join([_PLACEHOLDER.pattern, *alternatives]), re.IGNORECASE)
            if found
            else None
        )

    def __bool__(self) -> bool:
        return self._pattern is not None

    def _value_key(self, match: re.Match[str]) -> str | None:
        if match.group(1) is not None:  # a placeholder: kept
            return None
        return self._keys[int(match.lastgroup[1:])]

    def hide_text(self, text: str) -> str:
        if self._pattern is None:
            return text

        def placeholder(match: re.Match[str]) -> str:
            key = self._value_key(match)
            return match.group(0) if key is None else f"[[{key}]]"

        # Again until nothing changes: a placeholder put in may leave a neighbouring value
        # standing as a whole word that was not one before. Each pass that changes anything
        # turns value characters into a placeholder, so this ends (mostly after one pass).
        while (hidden := self._pattern.sub(placeholder, text)) != text:
            text = hidden
        return text

    def hide(self, request: dict[str, Any]) -> dict[str, Any]:
        """The request with every known value replaced, and the model told about it."""
        if self._pattern is None:
            return request
        hidden = {f: self.hide_text(request[f]) for f in TEXT_FIELDS if request.get(f)}
        hidden["system_prompt"] = "\n\n".join(
            part for part in (hidden.get("system_prompt"), INSTRUCTION) if part
        )
        return {**request, **hidden}

    def leak(self, request: dict[str, Any]) -> str | None:
        """The placeholder of the first known value still in an outgoing request, or None.
        Names the kind of value only: the value itself goes nowhere, not even the log. Our
        own INSTRUCTION is not the user's text and is not searched."""
        if self._pattern is None:
            return None
        for f in TEXT_FIELDS:
            text = (request.get(f) or "").replace(INSTRUCTION, "")
            for match in self._pattern.finditer(text):
                if (key := self._value_key(match)) is not None:
                    return f"[[{key}]]"
        return None

    def restore_text(self, text: str, *, in_json: bool = False) -> str:
        """Placeholders back to values; `in_json` writes them escaped as a JSON string's
        content, for an answer that is JSON text."""

        def value_of(match: re.Match[str]) -> str:
            value = self._by_key.get(match.group(1).upper())
            if value is None:
                return match.group(0)
            return json.dumps(value, ensure_ascii=False)[1:-1] if in_json else value

        return _PLACEHOLDER.sub(value_of, text) if "[" in text else text

    def restore_data(self, data: Any) -> Any:
        if isinstance(data, str):
            return self.restore_text(data)
        if isinstance(data, list):
            return [self.restore_data(item) for item in data]
        if isinstance(data, dict):
            return {key: self.restore_data(item) for key, item in data.items()}
        return data

    def restore(self, result: Any, *, in_json: bool) -> Any:
        """An AIResult (or None) with the values back in its text and data."""
        if result is None or self._pattern is None:
            return result
        return replace(
            result,
            text=self.restore_text(result.text, in_json=in_json),
            data=self.restore_data(result.data),
        )

    def restore_pieces(self, pieces: Iterator[str], *, in_json: bool) -> Iterator[str]:
        """A streamed answer with the values back; a placeholder split between two pieces is
        held back until it is whole."""
        held = ""
        for piece in pieces:
            text = held + piece
            cut = _cut_before_open_placeholder(text)
            ready, held = text[:cut], text[cut:]
            if ready:
                yield self.restore_text(ready, in_json=in_json)
        if held:
            yield self.restore_text(held, in_json=in_json)

    def restored_stream(
        self, stream: Any, pieces: Generator[str, None, None], *, in_json: bool
    ) -> Generator[str, None, None]:
        """An AIStream's pieces with the values back, and then its result; closing it closes
        the pieces (the attempt is logged as the client's going, as without placeholders)."""
        try:
            yield from self.restore_pieces(pieces, in_json=in_json)
        finally:
            pieces.close()
        stream.result = self.restore(stream.result, in_json=in_json)


def _cut_before_open_placeholder(text: str) -> int:
    """Where an unfinished placeholder begins at the end of `text` (len(text) if none)."""
    start = text.rfind("[", max(0, len(text) - 64))
    while start > 0 and text[start - 1] == "[":
        start -= 1
    while start != -1 and start < len(text):
        if _PLACEHOLDER_START.match(text, start):
            return start
        start = text.find("[", start + 1)
    return len(text)


class _Missing(Shield):
    """A task declared personal, called without its values: nothing can be hidden, so every
    attempt is refused at the scan (fail closed, never a profile sent as it is)."""

    def __init__(self) -> None:
        super().__init__({})

    def leak(self, request: dict[str, Any]) -> str | None:
        return "the personal values of a personal task (not given)"


NO_SHIELD = Shield({})
# What task_request() hands on for a task registered `personal` that was not given its values.
MISSING: Mapping[str, str] = MappingProxyType({})


def shield_for(personal: Mapping[str, str] | None) -> Shield:
    """The call's placeholders: none for a call that carries nothing personal."""
    if personal is MISSING:
        return _Missing()
    return Shield(personal) if personal else NO_SHIELD
