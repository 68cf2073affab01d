"""The import engine: stream the file in chunks, validate every row, write all or nothing.

One code path for a dry run and a commit: every chunk is validated against the database
*and written* inside one transaction, so references, duplicates inside the file (an
earlier chunk's rows are in the database by then) and duplicates against existing data
are all found the same way. At the end the transaction rolls back for a dry run or when
any row had an error; only a clean commit stays. Memory holds one chunk, never the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import values as v
from .fields import FIELDS, Field, missing_required, propose_mapping
from .readers import open_table

CHUNK_ROWS = 1000
MAX_REPORTED_ERRORS = 5000

Progress = Callable[[int, float], None]


@dataclass
class Row:
    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    hash: str = ""
    ok: bool = True


@dataclass
class Outcome:
    total_rows: int = 0
    valid_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)


class _Rollback(Exception):
    pass


class Importer:
    """Base of the importers per kind: subclasses implement :meth:`prepare` and :meth:`handle`."""

    kind = ""

    def __init__(self, *, job: Any, actor: Any, outcome: Outcome, columns: dict[str, str]) -> None:
        self.job, self.actor, self.outcome, self.columns = job, actor, outcome, columns

    def error(self, row: Row, field_name: str, message: str, value: Any = None) -> None:
        """Report a problem with one cell; the row will not be written."""
        if row.ok:
            row.ok = False
        self.outcome.error_count += 1
        if len(self.outcome.errors) < MAX_REPORTED_ERRORS:
            raw = row.raw.get(field_name, "") if value is None else value
            self.outcome.errors.append(
                {
                    "row": row.number,
                    "column": self.columns.get(field_name, field_name),
                    "value": v.text(raw),
                    "message": str(message),
                }
            )

    def prepare(self) -> None:
        """Load what every chunk needs (sites, users, codes) once."""

    def handle(self, rows: list[Row]) -> None:
        raise NotImplementedError


def _row_hash(raw: dict[str, Any]) -> str:
    plain = {k: v.text(x) if not hasattr(x, "isoformat") else x.isoformat() for k, x in raw.items()}
    return hashlib.md5(json.dumps(plain, sort_keys=True, ensure_ascii=False).encode()).hexdigest()  # noqa: S324


def _parse(row: Row, fields: list[Field], importer: Importer) -> None:
    for f in fields:
        raw = row.raw.get(f.name)
        if v.blank(raw):
            row.values[f.name] = None
            if f.required:
                importer.error(row, f.name, _("This field is required."))
            continue
        try:
            row.values[f.name] = f.parse(raw)
        except ValueError as exc:
            importer.error(row, f.name, str(exc))
    row.hash = _row_hash(row.raw)


def _chunks(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def run(
    *,
    job: Any,
    actor: Any,
    importer_class: type[Importer],
    path: str,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Read ``path`` and import it as ``job.kind``; returns the counts and the report.

    Writes stay only when ``job.dry_run`` is false and no row had an error. Raises
    :class:`~loupan.exchange.importing.readers.UnreadableFile` for a file it cannot read;
    any other exception rolls everything back and propagates.
    """
    outcome = Outcome()
    table = open_table(path, job.file_name)
    try:
        outcome.mapping = mapping or propose_mapping(job.kind, table.headers)
        fields = FIELDS[job.kind]
        wanted = {f.name for f in fields}
        index = {name: i for i, h in enumerate(table.headers) if (name := outcome.mapping.get(h)) in wanted}
        columns = {name: table.headers[i] for name, i in index.items()}
        importer = importer_class(job=job, actor=actor, outcome=outcome, columns=columns)
        header_row = Row(number=1, raw={})
        for f in missing_required(job.kind, outcome.mapping):
            importer.error(header_row, f.name, _("No column is mapped to this required field: %(field)s.")
                           % {"field": f.label}, value="")  # fmt: skip
        if outcome.error_count:
            return outcome
        try:
            with transaction.atomic():
                importer.prepare()
                for chunk in _chunks(table.rows, CHUNK_ROWS):
                    rows = []
                    for number, cells in chunk:
                        raw = {name: cells[i] if i < len(cells) else None for name, i in index.items()}
                        row = Row(number=number, raw=raw)
                        _parse(row, fields, importer)
                        rows.append(row)
                    importer.handle(rows)
                    outcome.total_rows += len(rows)
                    outcome.valid_rows += sum(1 for r in rows if r.ok)
                    if progress:
                        progress(outcome.total_rows, table.progress())
                if job.dry_run or outcome.error_count:
                    raise _Rollback
        except _Rollback:
            pass
        outcome.errors.sort(key=lambda e: e["row"])
        return outcome
    finally:
        table.close()
