"""Latency buckets and percentiles, as the rollups keep latencies and the reports rank them.

Every integer ms below 200 is its own bucket; above, a bucket starting at ``low`` ms is
``low // 100`` ms wide, i.e. at most 1% of any latency in it. A rolled-up call counts at its
bucket's midpoint.

Percentiles are PostgreSQL's ``percentile_cont``: sort the n values, take position
``q * (n - 1)`` and interpolate linearly between the two values around it.
"""

from __future__ import annotations

import math
from bisect import bisect_right

P95 = 0.95


def bucket_high(low: int) -> int:
    """The highest latency (ms, included) of the bucket starting at low."""
    return low + max(1, low // 100) - 1


def _bucket_lows() -> list[int]:
    lows, low = [], 0
    while low <= 2**31:  # latency_ms is a PositiveIntegerField
        lows.append(low)
        low = bucket_high(low) + 1
    return lows


_BUCKET_LOWS = _bucket_lows()


def bucket_midpoint(low: int) -> float:
    """Where a rolled-up call of the bucket starting at low counts in a percentile."""
    return (low + bucket_high(low)) / 2


def percentile(points: list[tuple[float, int]], fraction: float) -> float:
    """percentile_cont over values given as (value, how many times) pairs in value order: the
    position fraction × (n − 1), linear interpolation between the values at the ranks around it."""
    position = fraction * (sum(count for _, count in points) - 1)
    low = math.floor(position)
    below, above = _ranked(points, low), _ranked(points, math.ceil(position))
    return below + (above - below) * (position - low)


def _ranked(points: list[tuple[float, int]], rank: int) -> float:
    for value, count in points:
        if rank < count:
            return value
        rank -= count
    raise ValueError("rank beyond the values")


def latency_bucket(latency_ms: int) -> int:
    """The lowest latency of the bucket holding latency_ms."""
    return _BUCKET_LOWS[bisect_right(_BUCKET_LOWS, latency_ms) - 1]
