"""The usage rollups: UsageLog summed per UTC day, hour and month, so the reports read a few
rows per day instead of every call (build.py), with latencies counted per bucket (buckets.py).
This package is their public face: `from usage.rollups import usage_rollup`.
"""

from .buckets import P95, bucket_high, bucket_midpoint, latency_bucket, percentile
from .build import (
    WATERMARK_MARGIN,
    day_start,
    month_start,
    provider_attempts,
    usage_log_days,
    usage_rollup,
    usage_rollup_recent,
)

__all__ = [
    "P95",
    "WATERMARK_MARGIN",
    "bucket_high",
    "bucket_midpoint",
    "day_start",
    "latency_bucket",
    "month_start",
    "percentile",
    "provider_attempts",
    "usage_log_days",
    "usage_rollup",
    "usage_rollup_recent",
]
