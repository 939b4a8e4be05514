"""Holding no database connection through slow work that needs none."""

from __future__ import annotations

from django.db import connection


def connection_release() -> None:
    """Hand this thread's pooled PostgreSQL connection back before slow work that needs no
    database (a password hash takes ~0.3 s of CPU, a vendor call seconds): holding it would
    let a burst of such requests take the whole pool, and every other request would wait for
    a connection. Only with a pool, where taking one again is cheap, and never inside a
    transaction. (SQLite connections are not pooled, and outside a transaction in WAL mode one
    holds no lock.)"""
    if connection.settings_dict.get("OPTIONS", {}).get("pool") and not connection.in_atomic_block:
        connection.close()
