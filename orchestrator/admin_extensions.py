"""What an app above the gateway adds to the provider list: its columns, a note above the list,
and its reasons a config is failing (the "Make default" warning).

An extension point the gateway's admin offers and a higher app fills (usage: each config's
last 24 hours, usage/admin/providers.py), so the gateway's admin knows no report and no app
replaces the gateway's ModelAdmin. Register with provider_list_extend() where the app registers
its admin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .models import ProviderConfig


@dataclass(frozen=True)
class ProviderListExtension:
    """`columns`: list columns, functions of a config (their @admin.display description is the
    header, their name the cell's CSS class `field-<name>`), shown after the gateway's own.
    `prepare`: called once per page with its configs before the columns, to read what they show
    in one go (and set it on each config). `failing_reasons`: why a config would fail as the
    default, added to the gateway's own reasons. `note`: a line of help above the list."""

    name: str
    columns: Sequence[Callable[[ProviderConfig], Any]] = ()
    prepare: Callable[[list[ProviderConfig]], None] | None = None
    failing_reasons: Callable[[ProviderConfig], list[str]] | None = None
    note: str = ""


_extensions: dict[str, ProviderListExtension] = {}


def provider_list_extend(extension: ProviderListExtension) -> None:
    _extensions[extension.name] = extension


def provider_list_extensions() -> list[ProviderListExtension]:
    return list(_extensions.values())
