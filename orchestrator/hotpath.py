"""The fast paths of an AI call, in one place: where the gateway steps past the plain ORM.

Every AI attempt writes a UsageLog row, and every served call reserves and settles its quota;
done through the ORM's save() and ordinary cursors, that machinery costs more than the SQL it
runs (bench/ measures it: `python -m bench --only overhead,profile`). What is done here
instead, and why it gives the same rows:

- `usage_insert`: the ORM's own INSERT ... RETURNING id for UsageLog, compiled once per
  database, with the row's values prepared as save() prepares them. It runs alone or inside
  the quota settlement's statement (billing.quotas.quota_settle's `along`), so a served call
  ends in one round trip and one commit. Skipping save() is only right while UsageLog has no
  save() override and no pre_save/post_save receiver: the system check
  `orchestrator.E002` (orchestrator/checks.py) fails the start-up when it gains either.
- `as_stored`: marks an instance the fast path wrote (or read by raw SQL) as stored, as
  save() and the queryset would (`_state.adding`), so a later save() updates it.
- `billing.hotpath.prepared_cursor` (in billing, below the gateway, where the quota's
  statements are): a cursor whose statements PostgreSQL plans once per connection (a prepared
  statement) instead of on every execution: the quota's CTE statements took longer to plan
  than to run. Only those fixed statements go through it; Django keeps its client-side binding
  everywhere else.

tests/orchestrator/test_hotpath.py pins each to its plain-ORM equivalent on PostgreSQL and
SQLite: same rows, same columns. (The drafting query of cvs and letters, compiled once with
stand-in parameters, is the product's other fast path:
documents.selectors.job_and_profile_for_drafting, pinned by tests/orchestrator/test_hotpath.py
too.)
"""

from __future__ import annotations

import functools

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.sql import InsertQuery

from .models import UsageLog


def usage_insert(row: UsageLog) -> tuple[str, list]:
    """(sql, params) of the INSERT ... RETURNING id that stores the unsaved `row`."""
    db = connections[DEFAULT_DB_ALIAS]  # the proxy `connection` costs a lookup per use
    params = [f.get_db_prep_save(f.pre_save(row, True), db) for f in _insert_fields()]
    return _insert_sql(db.alias), params


def as_stored(instance: Model) -> Model:
    """The instance, marked as a stored row (what save() does once it has inserted it)."""
    instance._state.adding = False
    return instance


@functools.cache
def _insert_fields() -> list:
    meta = UsageLog._meta
    return [f for f in meta.local_concrete_fields if f is not meta.pk]


@functools.cache
def _insert_sql(alias: str) -> str:
    query = InsertQuery(UsageLog)
    query.insert_values(_insert_fields(), [UsageLog()])
    compiler = query.get_compiler(using=alias)
    compiler.returning_fields = [UsageLog._meta.pk]
    ((sql, _),) = compiler.as_sql()
    return sql
