"""At most a few password hashes at once per process.

A hash (PBKDF2, ~1 s of one core here) is meant to be slow. A burst of sign-ins hashed on
every server thread at once would take every core for as long as the burst lasts, and a
signed-in user's request, which needs a few milliseconds of CPU, would wait tens of seconds
between them. Hashes beyond the bound queue here (no database connection is held meanwhile),
so the rest of the process keeps its share of the CPU.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    if _slots is None:
        with _slots_lock:
            if _slots is None:
                size = settings.PASSWORD_HASHES_AT_ONCE or max(1, (os.cpu_count() or 2) // 2)
                _slots = threading.BoundedSemaphore(size)
    return _slots


@contextmanager
def hashing_slot() -> Iterator[None]:
    with _semaphore():
        yield
