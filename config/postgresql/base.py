"""Django's PostgreSQL backend with a pool health check that is cheap when all is well and
quick to recover when the database has restarted.

An AI call takes a pooled connection twice (it hands it back while the vendor answers), and
the pool's check is a round trip each time (~0.2 ms): on a busy server most checks follow
the connection's previous use by milliseconds. Like HikariCP's alive-bypass window, a
connection handed out within the last half second is taken as alive: it was in use then,
and one that broke in use is discarded by the pool when it comes back. The price: after a
database restart, the first use of such a connection fails (a 503) instead of being caught.

A connection that fails its check most likely died with all the others in a restart.
psycopg_pool would try the next one after 1 s, then 2 s, 4 s...: with a full pool of dead
connections every request timed out. The whole pool is tested at once instead.

The same holds for a connection found broken in use (the one request that met it gets a
503): it is the sign of a restart, so the whole pool is tested as it comes back, and every
connection handed out before that moment is checked, alive window or not. Before, each of
the pool's recently used connections failed one request of its own (9-11 per restart).
"""

import functools
from time import monotonic

import psycopg
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

ALIVE_WINDOW_SECONDS = 0.5

# When a connection of this process was last found broken (monotonic): connections last
# vouched for before then are checked, whatever the window says.
_broken_at = float("-inf")


def check_unless_recently_used(conn: psycopg.Connection, pool: ConnectionPool | None = None):
    now = monotonic()
    handed_out_at = getattr(conn, "_handed_out_at", float("-inf"))
    if now - handed_out_at > ALIVE_WINDOW_SECONDS or handed_out_at <= _broken_at:
        try:
            ConnectionPool.check_connection(conn)
        except psycopg.Error:
            if pool is not None:
                pool.check()  # replaces every dead idle connection; this one goes next
            raise
    conn._handed_out_at = now


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        # psycopg_pool takes its check only when built, and Django builds it with the plain
        # one (CONN_HEALTH_CHECKS): swap ours in.
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = functools.partial(check_unless_recently_used, pool=pool)
        return pool

    def _close(self):
        broken = self.connection is not None and self.pool and self.connection.broken
        super()._close()
        if broken:
            global _broken_at
            _broken_at = monotonic()
            try:
                self.pool.check()  # replaces every dead idle connection now
            except Exception:  # the database may still be on its way back up
                pass
