"""Path converters of the API's URLs."""

from __future__ import annotations

# Primary keys are 64-bit signed integers on every database we run on.
MAX_ID = 2**63 - 1


class IdConverter:
    """A database id in a path: digits within the 64-bit key range. A larger number matches no
    route (a 404) instead of overflowing the query (SQLite: OverflowError; PostgreSQL: an
    out-of-range error), both 500s."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(f"{value} is not a possible id.")
        return number

    def to_url(self, value: int) -> str:
        return str(value)
