"""What a model wrote, made safe to store and export: no control characters."""

from __future__ import annotations

from typing import Any

from core.validation import strip_control_characters


def text_clean(data: Any) -> Any:
    """The JSON answer with control characters removed from every text (a model echoing a
    pasted job can write them, and no Word file can hold them)."""
    if isinstance(data, str):
        return strip_control_characters(data)
    if isinstance(data, list):
        return [text_clean(item) for item in data]
    if isinstance(data, dict):
        return {key: text_clean(value) for key, value in data.items()}
    return data
