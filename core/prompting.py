"""Prompt sections as tagged blocks.

Prompts carry their inputs in ``<tag>...</tag>`` blocks. Vendors read them as plain text; the
offline provider reads the same prompt back with ``read_block``, so it works on exactly what
an LLM would see and needs no side channel.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from string import Template
from typing import Any


def block(tag: str, content: Any) -> str:
    if not isinstance(content, str):
        content = json.dumps(content, ensure_ascii=False, indent=1, default=str)
    return f"<{tag}>\n{content}\n</{tag}>"


def read_block(prompt: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", prompt, flags=re.DOTALL)
    return match.group(1) if match else None


# --- Templates ------------------------------------------------------------------------------
# A task's user prompt is a template over named variables, so an admin can reword it (the
# prompts app keeps its versions) while the code still decides what each variable holds: the
# tagged blocks above, which the offline provider reads back. `$name` placeholders
# (string.Template), not `{name}`: a prompt may well show a JSON example with braces.


@dataclass(frozen=True)
class PromptTemplate:
    """The code's user prompt of a task and the variables a template of it may name; `required`
    are those every version must use (without them the prompt would miss its input)."""

    user: str
    variables: tuple[str, ...]
    required: tuple[str, ...] = ()


def template_names(text: str) -> set[str]:
    """The variables a template names; ValueError for a `$` that names none (write `$$`)."""
    names = set()
    for match in Template.pattern.finditer(text):
        if match.group("invalid") is not None:
            line = text.count("\n", 0, match.start()) + 1
            raise ValueError(f"a lone $ on line {line}: write $$ for a dollar sign")
        if name := match.group("named") or match.group("braced"):
            names.add(name)
    return names


def template_problems(text: str, spec: PromptTemplate, *, system: bool = False) -> list[str]:
    """What is wrong with a template of this task: a variable it does not pass, a required one
    left out. The system prompt takes no variables (every call sends the same one)."""
    try:
        names = template_names(text)
    except ValueError as exc:
        return [str(exc)]
    allowed = set() if system else set(spec.variables)
    problems = [
        f"${name} is not a variable of this task"
        + (f" (it has: {', '.join('$' + v for v in spec.variables)})" if allowed else "")
        for name in sorted(names - allowed)
    ]
    if not system:
        problems += [f"${name} is required" for name in spec.required if name not in names]
    return problems


def template_render(text: str, variables: dict[str, str]) -> str:
    """The prompt from a template that passed template_problems; a variable the call left out
    renders empty (an optional block, such as feedback on a first try)."""
    return Template(text).substitute({name: "" for name in template_names(text)} | variables)
