"""Admin list filters whose headings read as words ("By date", "By state"), not as the name
of the field they filter ("By created at", "By resolved at")."""

from __future__ import annotations

from typing import Any

from django.contrib import admin


def titled(filter_class: type[admin.FieldListFilter], title: str) -> Any:
    """`filter_class` headed "By <title>"."""

    class Titled(filter_class):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    Titled.__name__ = f"{filter_class.__name__}By{title.title().replace(' ', '')}"
    return Titled


class OpenOrResolved(admin.SimpleListFilter):
    """Open alerts (no resolved_at) or resolved ones."""

    title, parameter_name = "state", "state"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


class DeliveredOrNot(admin.SimpleListFilter):
    """Deliveries a channel accepted (delivered_at set) or still being tried."""

    title, parameter_name = "delivery", "delivery"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("delivered", "Delivered"), ("pending", "Not delivered yet")]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(delivered_at__isnull=True)
        return queryset
