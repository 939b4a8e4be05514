"""The quota's fast path: its fixed statements prepared on PostgreSQL.

A reservation and a settlement are one statement each (billing/quotas.py), run for every AI
call; PostgreSQL took longer to plan those CTEs than to run them. Through `prepared_cursor`
each is planned once per connection (psycopg keeps the prepared statements per connection,
by text and parameter types) and then only executed. Django's ordinary cursors bind on the
client and never prepare (a connection pooler in transaction mode would lose the prepared
statements), so only these fixed statements of ours, on our own pooled connections, do.
The gateway's other fast paths, and the tests that pin each to the plain ORM, are listed in
orchestrator/hotpath.py.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection


def prepared_cursor() -> Any:
    """A cursor of the default connection whose statements are prepared on PostgreSQL;
    elsewhere an ordinary cursor. Logged and wrapped as any Django cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = _prepared_cursor_class()(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


@functools.cache
def _prepared_cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """Server-side binding, and every statement prepared."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True)

    return PreparedCursor
