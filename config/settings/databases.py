"""What each database engine is told when a connection opens, so it holds under concurrency.

SQLite (the embedded default): WAL journal, so readers never wait for the writer and the
writer never waits for readers; IMMEDIATE transactions, so a transaction that will write takes
the write lock when it begins and waits its turn (busy timeout) instead of starting as a reader
and failing at once with "database is locked" when it tries to write (a deferred
transaction's upgrade cannot wait: two of them would deadlock); and a busy timeout long enough
for a queue of short writes. `synchronous=NORMAL` is WAL's usual pairing: a commit is durable
against a crash of the process, and only the last ones may be lost on a power cut.

PostgreSQL: a statement that runs or waits for a lock too long is stopped with a clear error
(a 503 with Retry-After, core/api.py) instead of holding a connection and a server thread.
"""

from __future__ import annotations

from typing import Any

from config.settings.env import env

SQLITE_INIT = "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL"


def database_tune(db: dict[str, Any]) -> None:
    """Add the engine's connection options to a DATABASES entry (in place)."""
    options = db.setdefault("OPTIONS", {})
    if db["ENGINE"] == "django.db.backends.sqlite3":
        options.setdefault("init_command", SQLITE_INIT)
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", env.float("SQLITE_BUSY_TIMEOUT", default=20.0))
    elif db["ENGINE"] in ("django.db.backends.postgresql", "config.postgresql"):
        statement_ms = env.int("DB_STATEMENT_TIMEOUT_MS", default=30_000)
        lock_ms = env.int("DB_LOCK_TIMEOUT_MS", default=5_000)
        server_options = f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}"
        if existing := options.get("options"):
            server_options = f"{existing} {server_options}"
        options["options"] = server_options
