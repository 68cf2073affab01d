"""Importing projects, and buildings with their units, from the old sales system.

Units are validated by the inventory's own ``clean_unit_data``; buildings are created on
the fly (per project and name) and grow to the highest floor seen. A project named like
an existing one that no legacy id points at yet is adopted (linked, fields updated).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_bulk, snapshot
from loupan.core.errors import ValidationFailed
from loupan.inventory.choices import UnitStatus
from loupan.inventory.models import Building, Project, Unit
from loupan.inventory.services._common import UNIT_AUDITED, UNIT_FIELDS, clean_unit_data

from . import values as v
from .engine import Importer, Row
from .legacy import LegacyLinks

PROJECT_LIMITS = {"name": 120, "city": 40, "district": 40, "address": 200}
UNIT_STATUS_NAMES = {
    "可售": "available", "待售": "available", "未售": "available", "保留": "held", "销控": "held",
    "认购": "subscribed", "已认购": "subscribed", "签约": "contracted", "已签约": "contracted", "已售": "contracted",
    "交房": "handed_over", "已交房": "handed_over",
}  # fmt: skip


def _apply(objs_before: list[tuple[Any, dict]], fields: list[str]) -> dict[int, dict]:
    return {
        obj.pk: d
        for obj, before in objs_before
        if (d := {k: [before[k], x] for k, x in snapshot(obj, fields).items() if before[k] != x})
    }


class ProjectImporter(Importer):
    kind = "projects"

    def prepare(self) -> None:
        self.links = LegacyLinks(self.job, self.kind)

    def handle(self, rows: list[Row]) -> None:
        candidates = []
        for row in rows:
            data = {k: v.text(row.values.get(k)) for k in PROJECT_LIMITS}
            for name, limit in PROJECT_LIMITS.items():
                if len(data[name]) > limit:
                    self.error(row, name, _("At most %(n)d characters.") % {"n": limit})
            if row.ok:
                candidates.append((row, data))
        links = self.links.fetch([r.values["legacy_id"] for r, _d in candidates])
        by_name = dict(
            Project.objects.filter(name__in=[d["name"] for _r, d in candidates]).values_list("name", "pk")
        )
        rows_of = self.links.rows_in_this_job(set(by_name.values()))
        creates, updates, seen = [], [], {}
        for row, data in candidates:
            lid = v.text(row.values["legacy_id"])
            link = links.get(lid)
            if lid in seen or (link and link.job_id == self.job.pk):
                self.error(
                    row,
                    "legacy_id",
                    _("The same legacy ID as row %(row)d.") % {"row": seen.get(lid) or link.row},
                )
                continue
            seen[lid] = row.number
            target = link.object_id if link else None
            other = by_name.get(data["name"])
            if other and other != target:
                if other in rows_of or target is not None:
                    self.error(row, "name", _("Another project already has this name."))
                    continue
                target = other
            if target is None:
                creates.append((row, data))
            elif link and link.row_hash == row.hash:
                self.links.touch(link, row)
                self.outcome.unchanged += 1
            else:
                updates.append((row, target, data, link))
        if creates:
            projects = Project.objects.bulk_create([Project(**d) for _r, d in creates])
            self.links.add([(r, p.pk) for (r, _d), p in zip(creates, projects, strict=True)])
            audit_bulk(actor=self.actor, action="create", object_type="project",
                       changes_by_id={p.pk: {"name": [None, p.name]} for p in projects})  # fmt: skip
            self.outcome.created += len(projects)
        if updates:
            current = Project.objects.in_bulk([t for _r, t, _d, _l in updates])
            pairs = []
            for row, target, data, link in updates:
                project = current[target]
                pairs.append((project, snapshot(project, list(PROJECT_LIMITS))))
                for name, value in data.items():
                    setattr(project, name, value)
                self.links.touch(link, row) if link else self.links.add([(row, target)])
            changes = _apply(pairs, list(PROJECT_LIMITS))
            Project.objects.bulk_update([p for p, _b in pairs if p.pk in changes], list(PROJECT_LIMITS))
            audit_bulk(actor=self.actor, action="import_update", object_type="project", changes_by_id=changes)
            self.outcome.updated += len(changes)
            self.outcome.unchanged += len(pairs) - len(changes)
        self.links.flush()


class _AnyHeight:
    floors = 200


class UnitImporter(Importer):
    kind = "units"

    def prepare(self) -> None:
        self.links = LegacyLinks(self.job, self.kind)
        self.projects = {p.name: p.pk for p in Project.objects.visible_to(self.actor)}
        self.projects.update(
            LegacyLinks(self.job, "projects").fetch_all_ids(allowed=set(self.projects.values()))
        )
        self.buildings: dict[tuple[int, str], Building] = {}

    def _building(self, project_id: int, name: str, floor: int, floors: int | None) -> Building:
        key = (project_id, name)
        building = self.buildings.get(key)
        if building is None:
            building = Building.objects.filter(project_id=project_id, name=name).first()
            if building is None:
                building = Building.objects.create(
                    project_id=project_id, name=name, floors=max(floors or 1, floor, 1)
                )
                audit_bulk(actor=self.actor, action="create", object_type="building",
                           changes_by_id={building.pk: {"name": [None, name], "project": [None, project_id]}})  # fmt: skip
            self.buildings[key] = building
        height = max(floors or 0, floor)
        if height > building.floors:
            Building.objects.filter(pk=building.pk).update(floors=height)
            building.floors = height
        return building

    def handle(self, rows: list[Row]) -> None:
        candidates = []
        for row in rows:
            if not row.ok:
                continue
            project_id = self.projects.get(v.text(row.values["project"]))
            if project_id is None:
                self.error(row, "project", _("Unknown project (give its name or its legacy ID)."))
                continue
            data = {k: row.values.get(k) for k in UNIT_FIELDS if k in row.values}
            status = v.text(row.values.get("status"))
            status = UNIT_STATUS_NAMES.get(status, status.lower()) or UnitStatus.AVAILABLE
            if status not in UnitStatus.values:
                self.error(row, "status", _("Unknown status."))
                continue
            try:
                cleaned = clean_unit_data(data, building=_AnyHeight())
            except ValidationFailed as exc:
                for name, messages in exc.errors.items():
                    self.error(row, name, " ".join(messages))
                continue
            cleaned["status"] = status
            candidates.append((row, project_id, cleaned))
        links = self.links.fetch([r.values["legacy_id"] for r, _p, _d in candidates])
        placed = []
        for row, project_id, data in candidates:
            floors = row.values.get("building_floors")
            building = self._building(project_id, v.text(row.values["building"]), data["floor"], floors)
            placed.append((row, building, data))
        query = Q(pk__in=[])
        for b in {b.pk for _r, b, _d in placed}:
            query |= Q(building_id=b, number__in=[d["number"] for _r, x, d in placed if x.pk == b])
        taken = {
            (b, n): pk for pk, b, n in Unit.objects.filter(query).values_list("pk", "building_id", "number")
        }
        rows_of = self.links.rows_in_this_job(set(taken.values()))
        creates, updates, seen, seen_lid = [], [], {}, {}
        for row, building, data in placed:
            lid = v.text(row.values["legacy_id"])
            link = links.get(lid)
            if lid in seen_lid or (link and link.job_id == self.job.pk):
                self.error(
                    row,
                    "legacy_id",
                    _("The same legacy ID as row %(row)d.") % {"row": seen_lid.get(lid) or link.row},
                )
                continue
            seen_lid[lid] = row.number
            target = link.object_id if link else None
            key = (building.pk, data["number"])
            other = taken.get(key)
            if key in seen or (other and other != target):
                first = seen.get(key) or rows_of.get(other)
                message = (
                    (_("The same unit as row %(row)d.") % {"row": first})
                    if first
                    else _("This unit already exists in this building.")
                )
                self.error(row, "number", message)
                continue
            seen[key] = row.number
            if target is None:
                creates.append((row, building, data))
            elif link.row_hash == row.hash:
                self.links.touch(link, row)
                self.outcome.unchanged += 1
            else:
                updates.append((row, target, data, link))
        self._create(creates)
        self._update(updates)
        self.links.flush()

    def _create(self, creates: list) -> None:
        if not creates:
            return
        units = Unit.objects.bulk_create(
            [Unit(building=b, project_id=b.project_id, **d) for _r, b, d in creates], batch_size=500
        )
        self.links.add([(r, u.pk) for (r, _b, _d), u in zip(creates, units, strict=True)])
        audit_bulk(actor=self.actor, action="create", object_type="unit",
                   changes_by_id={u.pk: {"building": [None, u.building_id], "number": [None, u.number],
                                         "status": [None, u.status]} for u in units})  # fmt: skip
        self.outcome.created += len(units)

    def _update(self, updates: list) -> None:
        if not updates:
            return
        current = Unit.objects.in_bulk([t for _r, t, _d, _l in updates])
        pairs = []
        for row, target, data, link in updates:
            unit = current[target]
            pairs.append((unit, snapshot(unit, UNIT_AUDITED)))
            for name, value in data.items():
                setattr(unit, name, value)
            unit.updated_at = timezone.now()
            self.links.touch(link, row)
        changes = _apply(pairs, UNIT_AUDITED)
        Unit.objects.bulk_update(
            [u for u, _b in pairs if u.pk in changes], [*UNIT_FIELDS, "status", "updated_at"]
        )
        audit_bulk(actor=self.actor, action="import_update", object_type="unit", changes_by_id=changes)
        self.outcome.updated += len(changes)
        self.outcome.unchanged += len(pairs) - len(changes)
