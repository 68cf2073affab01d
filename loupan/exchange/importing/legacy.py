"""Links from legacy ids to the records they became, read and written one chunk at a time."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from ..models import LegacyRecord
from .fastinsert import insert_objects


def _now() -> object:
    return LegacyRecord._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)


class LegacyLinks:
    """The :class:`LegacyRecord` rows of one source and kind, as an import job sees them."""

    def __init__(self, job: Any, kind: str) -> None:
        self.job, self.kind, self.source = job, kind, job.source
        self._touched: list[LegacyRecord] = []

    def fetch(self, legacy_ids: list[Any]) -> dict[str, LegacyRecord]:
        ids = sorted({str(x).strip() for x in legacy_ids if x is not None})
        records = LegacyRecord.objects.filter(source=self.source, kind=self.kind, legacy_id__in=ids)
        return {r.legacy_id: r for r in records}

    def rows_in_this_job(self, object_ids: set[int]) -> dict[int, int]:
        """``{object id: row}`` for records this job has already written or confirmed."""
        if not object_ids:
            return {}
        return dict(
            LegacyRecord.objects.filter(
                kind=self.kind, job_id=self.job.pk, object_id__in=sorted(object_ids)
            ).values_list("object_id", "row")
        )

    def touch(self, link: LegacyRecord, row: Any) -> None:
        """This job saw the record again (unchanged or updated): remember its row and hash."""
        link.job_id, link.row, link.row_hash, link.updated_at = (
            self.job.pk,
            row.number,
            row.hash,
            timezone.now(),
        )
        self._touched.append(link)

    def add(self, pairs: list[tuple[Any, int]]) -> None:
        """New links: ``(row, object id)``."""
        if pairs:
            insert_objects(
                LegacyRecord,
                [
                    LegacyRecord(
                        source=self.source,
                        kind=self.kind,
                        legacy_id=str(row.values["legacy_id"]).strip(),
                        object_id=pk,
                        row_hash=row.hash,
                        job_id=self.job.pk,
                        row=row.number,
                    )  # fmt: skip
                    for row, pk in pairs
                ],
            )

    def flush(self) -> None:
        if self._touched:
            qn = connection.ops.quote_name
            now = _now()
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {qn(LegacyRecord._meta.db_table)} SET job_id = %s, {qn('row')} = %s, "
                    "row_hash = %s, updated_at = %s WHERE id = %s",
                    [(r.job_id, r.row, r.row_hash, now, r.pk) for r in self._touched],
                )
            self._touched = []

    def fetch_all_ids(self, allowed: set[int]) -> dict[str, int]:
        """Every ``{legacy id: object id}`` of this source and kind (small kinds: projects)."""
        return {
            lid: pk
            for lid, pk in LegacyRecord.objects.filter(source=self.source, kind=self.kind).values_list(
                "legacy_id", "object_id"
            )
            if pk in allowed
        }
