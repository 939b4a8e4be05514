"""How much a user changed what the AI wrote before sending it: a quality signal of the draft.

The distance is counted in words: every word inserted, deleted or replaced between the AI's
first version and the version sent (a word-level diff, difflib's, which stays close to linear
on documents this size where a character Levenshtein would be quadratic). 0 means sent as the
AI wrote it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]", re.UNICODE)


def _strings(value: Any) -> Iterator[str]:
    """Every string of a JSON document, in order (the keys sorted, so the order is stable)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from _strings(value[key])
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def document_words(content: Any) -> list[str]:
    return [w for text in _strings(content) for w in _WORD.findall(text)]


def edit_distance(first: Any, sent: Any) -> int:
    """Words inserted, deleted or replaced to turn `first` into `sent` (a replacement of n
    words by m counts max(n, m))."""
    a, b = document_words(first), document_words(sent)
    if a == b:
        return 0
    distance = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if op != "equal":
            distance += max(i2 - i1, j2 - j1)
    return distance
