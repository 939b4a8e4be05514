"""Money as people read it, the one way every page, message and report writes dollars.

(The API's JSON carries amounts as decimal strings with 8 places, for programs.)
"""

from __future__ import annotations

from decimal import Decimal


def usd(value: float | Decimal | int) -> str:
    """Dollars with the precision small AI costs need, never more digits than they have:
    $12.34, $1,000.00, $0.50, $0.0123, $0.000123, $0.00."""
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    if not value:
        return "$0.00"
    places = 2 if abs(value) >= 1 else 4 if abs(value) >= Decimal("0.01") else 6
    text = f"{value:,.{places}f}"
    whole, _, cents = text.partition(".")
    cents = cents.rstrip("0").ljust(2, "0")
    return f"-${whole.lstrip('-')}.{cents}" if value < 0 else f"${whole}.{cents}"
