"""Writes on inventory: projects, buildings, units, holds (销控) and price lists.

Every function checks its policy, validates (``ValidationFailed`` per field, nothing
written), runs in one transaction and audits what changed. Unit status changes go
through exactly two doors: ``unit_hold``/``unit_release`` for the site manager's
sales control, and :func:`unit_set_status` for the deal services (subscribe,
contract, cancel, handover), which lock the row and compare the current status.
"""

from ._common import DEAL_LOCKED_FIELDS, total_for
from .buildings import (
    BuildingTemplate,
    StackSpec,
    building_create,
    building_update,
    template_rows,
    unit_number,
    unit_update,
    units_bulk_create,
)
from .price_lists import price_list_activate, price_list_create
from .projects import project_create, project_update
from .status import unit_hold, unit_release, unit_set_status

__all__ = [
    "DEAL_LOCKED_FIELDS",
    "BuildingTemplate",
    "StackSpec",
    "building_create",
    "building_update",
    "price_list_activate",
    "price_list_create",
    "project_create",
    "project_update",
    "template_rows",
    "total_for",
    "unit_hold",
    "unit_number",
    "unit_release",
    "unit_set_status",
    "unit_update",
    "units_bulk_create",
]
