"""Plain ``executemany`` inserts for the import's big writes.

``bulk_create`` compiles SQL per batch and prepares every value through its field, and on
SQLite its batches are a few dozen rows (999 parameters): for a customer with forty
columns that was most of an import's time. Here one INSERT statement is prepared once
and run for every row; only values that need it (dates, decimals, JSON) go through their
field's ``get_db_prep_save``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone

from loupan.core.models import AuditEvent

_PLAIN = (str, int, bool)


def _db_value(field: models.Field, value: Any, cache: dict) -> Any:
    if value is None or (isinstance(value, _PLAIN) and not isinstance(field, models.JSONField)):
        return value
    if isinstance(value, dict | list):
        return field.get_db_prep_save(value, connection)
    key = (field, value)  # the same "now", dates and amounts recur on many rows
    if key not in cache:
        cache[key] = field.get_db_prep_save(value, connection)
    return cache[key]


def insert_objects(model: type[models.Model], objs: Iterable[models.Model]) -> None:
    """Insert unsaved model instances (every concrete field but the auto primary key)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:  # what save() would fill in
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            now = timezone.now()
            for obj in objs:
                if getattr(obj, f.attname) is None or f.auto_now:
                    setattr(obj, f.attname, now)
    cache: dict = {}
    rows = [[_db_value(f, getattr(obj, f.attname), cache) for f in fields] for obj in objs]
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def audit_rows(*, actor: Any, action: str, object_type: str, changes_by_id: dict[int, dict]) -> None:
    """The same events as ``loupan.core.audit.audit_bulk``, written with one prepared INSERT."""
    name = getattr(actor, "display_name", "") or getattr(actor, "username", "")
    now = timezone.now()
    insert_objects(
        AuditEvent,
        [
            AuditEvent(
                actor=actor,
                actor_name=name,
                action=action,
                object_type=object_type,
                object_id=pk,
                changes=changes,
                at=now,
            )  # fmt: skip
            for pk, changes in changes_by_id.items()
        ],
    )
