"""Usage reports: the one implementation behind the dashboard, the CSV export, `usage_report`,
the alerts and the usage API. One module per concern; this package is their public face
(`from usage import reports`, then `reports.usage_totals(...)`).
"""

from .export import (
    CSV_COLUMNS,
    csv_lines,
    usage_rows,
)
from .groups import (
    cost_per_day,
    usage_by,
    usage_totals,
)
from .periods import (
    CENT_MICRO,
    GROUP_BY,
    NO_PROVIDER,
    PERCENTILES,
)
from .providers import (
    billing_failures,
    cache_savings,
    error_rate_by_provider,
    errors_apart_from_refusals,
    latency_percentiles,
    percentile,
    quota_exceeded_count,
)

__all__ = [
    "GROUP_BY",
    "PERCENTILES",
    "CENT_MICRO",
    "NO_PROVIDER",
    "usage_totals",
    "usage_by",
    "cost_per_day",
    "error_rate_by_provider",
    "percentile",
    "latency_percentiles",
    "cache_savings",
    "errors_apart_from_refusals",
    "quota_exceeded_count",
    "billing_failures",
    "CSV_COLUMNS",
    "usage_rows",
    "csv_lines",
]
