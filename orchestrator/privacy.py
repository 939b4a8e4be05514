"""Personal values out, placeholders in: what a vendor is sent for a task that carries them.

A task registered with `personal=True` (a CV, a letter) is called with the user's known
personal values (`personal=`, e.g. documents.selectors.profile_personal_values): the gateway puts a
stable placeholder (`[[EMAIL]]`) in the place of each one in the prompt and the system prompt
before anything else sees the request — the cache key, the capture, the offline provider and
the vendors all work on placeholders — and puts the values back into the answer.

We know exactly which values are personal, so no detector is needed that could miss one; and
the same patterns that replace them scan every outgoing request once more just before the
adapter call (`Shield.leak`): a value that still shows (a repair prompt quoting an answer, a
bug) stops the call there (PII_BLOCKED), it never fails open; so does a call of a personal
task made without its values (AIRequest.of_task hands on MISSING). Images are sent as they are: a
screenshot is a job posting, never the profile, so there is nothing to replace in one.

A value shorter than MIN_CHARS (a two-letter username) says nothing about a person and would
match everywhere, so it is left alone; phone numbers match with any separators between their
digits. Matching ignores case and whole words only: the username `ada` is not in `Canada`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, replace
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


def _lower(text: str) -> str:
    """`text` in lower case, one character for one, so that a position in it is the same
    position in `text` (str.lower turns a few characters into two, e.g. 'İ')."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True)
class _Known:
    """One personal value and how to find it in lower-cased text: as written or escaped
    inside a JSON string, any blanks where it has blanks; a phone number with any separators
    between its digits. Each begins with a literal, so the search skips ahead fast."""

    key: str
    value: str
    finder: re.Pattern[str]
    phone: bool

    @classmethod
    @functools.lru_cache(maxsize=1024)  # the same user's values, call after call
    def of(cls, key: str, value: str) -> _Known | None:
        if not value:
            return None
        if key.startswith("PHONE"):
            digits = re.sub(r"\D", "", value)
            if len(digits) < MIN_PHONE_DIGITS:
                return None
            return cls(key, value, re.compile(_PHONE_SEPARATORS.join(digits) + r"(?!\d)"), True)
        if len(value) < MIN_CHARS:
            return None
        forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
        alternatives = [
            r"\s+".join(map(re.escape, _lower(form).split()))
            for form in sorted(forms, key=len, reverse=True)
        ]
        return cls(key, value, re.compile("|".join(alternatives)), False)

    def spans(self, text: str, low: str) -> Iterator[tuple[int, int]]:
        """Where the value stands in `text` (`low` is it lower-cased): a whole word where it
        begins or ends with a letter or digit; a phone number not inside a longer number, with
        its leading + if it has one."""
        position = 0
        while (match := self.finder.search(low, position)) is not None:
            start, end = match.span()
            position = start + 1
            before = text[start - 1] if start else ""
            if self.phone:
                if before == "+":
                    start -= 1
                    before = text[start - 1] if start else ""
                if before.isdigit() or before == "+":
                    continue
            elif (before and _is_word(before) and _is_word(text[start])) or (
                end < len(text) and _is_word(text[end]) and _is_word(text[end - 1])
            ):
                continue
            yield start, end
            position = end


class Shield:
    """The placeholders of one call: `hide` them in a request, `leak` checks an outgoing one,
    `restore` puts the values back into an answer.

    Hiding and the last scan share one search (`_found`), so the scan finds exactly what a
    hiding would replace. The placeholders already in a text are kept as they are (a username
    `name` stays out of `[[NAME]]`); where two values begin at one place, the longer is taken
    (the URL before the username inside it)."""

    def __init__(self, personal: Mapping[str, str]):
        known = [_Known.of(key, (value or "").strip()) for key, value in personal.items()]
        known = [k for k in known if k is not None]
        self._known = sorted(known, key=lambda k: len(k.value), reverse=True)
        self._by_key = {k.key: k.value for k in self._known}

    def __bool__(self) -> bool:
        return bool(self._known)

    def _found(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of each known value in `text`, left to right, none overlapping
        another or a placeholder."""
        low = _lower(text)
        candidates = [(m.start(), 0, m.end(), "") for m in _PLACEHOLDER.finditer(text)]
        for rank, known in enumerate(self._known, start=1):
            candidates.extend((a, rank, b, known.key) for a, b in known.spans(text, low))
        found, taken_until = [], 0
        for start, _, end, key in sorted(candidates):
            if start >= taken_until:
                taken_until = end
                if key:
                    found.append((start, end, key))
        return found

    def _hide_once(self, text: str) -> str:
        parts, last = [], 0
        for start, end, key in self._found(text):
            parts += [text[last:start], f"[[{key}]]"]
            last = end
        return "".join(parts) + text[last:] if parts else text

    def hide_text(self, text: str) -> str:
        if not self._known:
            return text
        # Again until nothing changes: a placeholder put in may leave a neighbouring value
        # standing as a whole word that was not one before. Each pass that changes anything
        # turns value characters into a placeholder, so this ends (mostly after one pass).
        while (hidden := self._hide_once(text)) != text:
            text = hidden
        return text

    def hide(self, request: Any) -> Any:
        """The request (an AIRequest) with every known value replaced, and the model told
        about it; the values themselves leave it."""
        if not self._known:
            return replace(request, personal=None)
        hidden = {f: self.hide_text(text) for f in TEXT_FIELDS if (text := getattr(request, f))}
        hidden["system_prompt"] = "\n\n".join(
            part for part in (hidden.get("system_prompt"), INSTRUCTION) if part
        )
        return replace(request, personal=None, **hidden)

    def leak(self, request: Any) -> str | None:
        """The placeholder of the first known value still in an outgoing request, or None.
        Names the kind of value only: the value itself goes nowhere, not even the log. Our
        own INSTRUCTION is not the user's text and is not searched."""
        for f in TEXT_FIELDS:
            text = (getattr(request, f) or "").replace(INSTRUCTION, "")
            if self._known and (found := self._found(text)):
                return f"[[{found[0][2]}]]"
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
        if result is None or not self._known:
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

    def leak(self, request: Any) -> str | None:
        return "the values of a personal task, none of them hidden (not given)"


NO_SHIELD = Shield({})
# What AIRequest.of_task() hands on for a task registered `personal` that was not given its values.
MISSING: Mapping[str, str] = MappingProxyType({})


def shield_for(personal: Mapping[str, str] | None) -> Shield:
    """The call's placeholders: none for a call that carries nothing personal."""
    if personal is MISSING:
        return _Missing()
    return Shield(personal) if personal else NO_SHIELD
