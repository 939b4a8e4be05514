"""UsageLog rows as CSV: the admin's export and the `usage_report` command."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

# CSV column -> UsageLog field (one list, so header and values cannot drift apart)
_CSV = (
    ("created_at", "created_at"),
    ("request_id", "request_id"),
    ("attempt", "attempt"),
    ("username", "user__username"),
    ("email", "user__email"),
    ("plan", "plan"),
    ("task_type", "task_type"),
    ("provider_type", "provider_type"),
    ("provider", "provider_config__name"),
    ("model", "model"),
    ("tier", "tier"),
    ("status", "status"),
    ("error_code", "error_code"),
    ("error_message", "error_message"),
    ("input_tokens", "input_tokens"),
    ("output_tokens", "output_tokens"),
    ("cached_input_tokens", "cached_input_tokens"),
    ("total_tokens", "total_tokens"),
    ("cost_usd", "cost_usd"),
    ("price_source", "price_source"),
    ("saved_cost_usd", "saved_cost_usd"),
    ("latency_ms", "latency_ms"),
    ("cache_hit", "cache_hit"),
)
CSV_COLUMNS = tuple(column for column, _ in _CSV)
_CSV_FIELDS = tuple(field for _, field in _CSV)


def usage_rows(*, queryset: QuerySet) -> Iterator[list[str]]:
    """UsageLog rows as CSV cells, read in chunks (the whole table may be asked for)."""
    for values in queryset.values_list(*_CSV_FIELDS).iterator(chunk_size=2000):
        yield [_cell(v) for v in values]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # never 1E-7
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A spreadsheet runs a cell starting with these as a formula; vendor text is untrusted.
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text line by line, for StreamingHttpResponse or a command's stdout."""
    writer = csv.writer(_Echo())
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([_cell(v) for v in row])
