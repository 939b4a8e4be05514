"""A letter's text while the AI is still writing its JSON, for the streaming endpoint.

The AI answers with the letter as JSON (subject, greeting, paragraphs, sign_off, signature);
the reader wants text. After each piece the JSON so far is parsed leniently (jiter's partial
mode keeps an unfinished string) and the letter's text (`letter_text`, as the API shows it)
is rendered from the parts known so far, in reading order: a part is shown only once every
part before it is complete, so the text only ever grows. Each growth is one `delta`; all the
deltas together are the finished letter's text.
"""

from __future__ import annotations

from typing import Any

import jiter

from .serializers import letter_text

PARTS = ("subject", "greeting", "paragraphs", "sign_off", "signature")


class LetterText:
    def __init__(self) -> None:
        self.raw = ""
        self.sent = ""

    def feed(self, piece: str) -> str:
        """The text this piece adds to what was sent (often nothing: a key, a quote)."""
        self.raw += piece
        try:
            partial = jiter.from_json(self.raw.encode(), partial_mode="trailing-strings")
        except ValueError:
            return ""  # not JSON (yet): the finished answer decides
        return self._grow(letter_text(_known_parts(partial)) if isinstance(partial, dict) else "")

    def finish(self, letter: dict) -> str:
        """What the finished letter adds; all the deltas together are its text."""
        return self._grow(letter_text(letter))

    def _grow(self, text: str) -> str:
        if not text.startswith(self.sent):
            return ""  # parts arrived out of reading order; held back until they settle
        delta, self.sent = text[len(self.sent) :], text
        return delta


def _known_parts(partial: dict[str, Any]) -> dict[str, Any]:
    """The parts in reading order up to the first one still being written (the last key of
    the JSON so far, which may grow) or not yet begun."""
    last = next(reversed(partial), None)
    known: dict[str, Any] = {}
    for part in PARTS:
        if part not in partial:
            break
        value = partial[part]
        if part == "paragraphs" and not isinstance(value, list):
            break
        if not isinstance(value, str | list):
            break
        known[part] = value
        if part == last:
            break
    return known
