"""Prompt sections as tagged blocks.

Prompts carry their inputs in ``<tag>...</tag>`` blocks. Vendors read them as plain text; the
offline provider reads the same prompt back with ``read_block``, so it works on exactly what
an LLM would see and needs no side channel.
"""

from __future__ import annotations

import json
import re
from typing import Any


def block(tag: str, content: Any) -> str:
    if not isinstance(content, str):
        content = json.dumps(content, ensure_ascii=False, indent=1, default=str)
    return f"<{tag}>\n{content}\n</{tag}>"


def read_block(prompt: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", prompt, flags=re.DOTALL)
    return match.group(1) if match else None
