"""Signs of life of a running import, and the database mechanics around them.

An import writes every chunk inside one transaction (all or nothing), so its job row
cannot carry a heartbeat through that transaction: nobody else would see it before the
end, and a dry run rolls it back. On PostgreSQL the heartbeat goes through a connection
of its own that commits at once. SQLite has a single writer: while the import's
transaction runs, nobody (not even the import's own second connection) can write, so
there is no heartbeat to write, and nobody can fail the job either. The database lock is
the sign of life there: :func:`no_lock_wait` lets the marker of stale jobs try the lock
without waiting, and give up while a writer (a live import) holds it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from ..choices import ImportStatus

HEARTBEAT_SECONDS = 5.0  # at most one heartbeat write per this many seconds


class Interrupted(Exception):
    """The job was failed as interrupted while it ran (no heartbeat came through in time):
    the import stops and rolls back, so "nothing was written" stays true."""


class Heartbeat:
    """Beats for one running job, called after each chunk; cheap between beats."""

    def __init__(self, job: Any, every: float | None = None) -> None:
        self.job = job
        self.every = HEARTBEAT_SECONDS if every is None else every
        self._last: float | None = None
        self._side: Any = None

    def beat(self) -> None:
        """Record a sign of life (at most every ``every`` seconds); raise :class:`Interrupted`
        when the job is no longer running (the stale-job marker failed it meanwhile)."""
        now = time.monotonic()
        if self._last is not None and now - self._last < self.every:
            return
        first, self._last = self._last is None, now
        if connection.vendor == "sqlite":
            # Our transaction holds the only write lock: once we are in, nobody changes the
            # row, so one look (did the marker fail it before we got the lock?) is enough.
            if first and _status(connection, self.job) not in (None, ImportStatus.RUNNING):
                raise Interrupted
            return
        if _touch(self._connection(), self.job) not in (None, ImportStatus.RUNNING):
            raise Interrupted

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def _connection(self) -> Any:
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        return self._side


def _table(job: Any) -> tuple[str, str, str]:
    meta = job._meta
    return meta.db_table, meta.get_field("heartbeat_at").column, meta.get_field("status").column


def _status(conn: Any, job: Any) -> str | None:
    table, _beat, status = _table(job)
    q = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT {q(status)} FROM {q(table)} WHERE id = %s", [job.pk])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def _touch(conn: Any, job: Any) -> str | None:
    """Set the heartbeat of the running job from ``conn`` (autocommit); return the job's
    status as that connection sees it (None: not visible, e.g. a test's open transaction)."""
    table, beat, status = _table(job)
    q = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(table)} SET {q(beat)} = %s WHERE id = %s AND {q(status)} = %s",  # noqa: S608
            [timezone.now(), job.pk, ImportStatus.RUNNING.value],
        )
        if cursor.rowcount:
            return ImportStatus.RUNNING.value
    return _status(conn, job)


@contextmanager
def no_lock_wait() -> Iterator[None]:
    """On SQLite, fail at once with "database is locked" instead of waiting for the writer."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (waited,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")
