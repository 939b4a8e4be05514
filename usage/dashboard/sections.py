"""Sections that apps above `usage` add to the usage dashboard.

An extension point the lower layer offers and a higher one fills: the dashboard knows no
product, and a product app (applications: drafts and outcomes) registers its section in its
admin.py. Each section renders its own template from a function of the dashboard's
period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class DashboardSection:
    id: str
    title: str
    template: str
    context: Callable[..., dict[str, Any]]  # context(since=, until=)


_sections: dict[str, DashboardSection] = {}


def dashboard_section_register(section: DashboardSection) -> None:
    _sections[section.id] = section


def dashboard_sections(*, since: datetime, until: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "title": s.title,
            "template": s.template,
            "data": s.context(since=since, until=until),
        }
        for s in _sections.values()
    ]
