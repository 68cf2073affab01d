"""Sales control (销控): holds by site managers and the one status door for the deal services."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, diff, snapshot
from loupan.core.errors import Conflict, NotFound, ValidationFailed
from loupan.core.events import emit
from loupan.core.policy import require

from ..choices import UnitStatus
from ..models import Unit
from ._common import (
    UNIT_AUDITED,
    unit_unavailable,
)

# --- sales control: holds and the one status door ---------------------------------------------


def _locked(unit: Unit) -> Unit:
    try:
        return Unit.objects.select_for_update().get(pk=unit.pk)
    except Unit.DoesNotExist:
        raise NotFound(_("No such unit.")) from None


@transaction.atomic
def unit_hold(*, actor: Any, unit: Unit, reason: str = "") -> Unit:
    """Hold back (保留) an available unit from sale: site managers of the project's sites,
    company managers, admins (others: NotAllowed, 403). A unit that is not available
    cannot be held: Conflict ``unit_unavailable`` (409); of many managers holding one
    unit at once, exactly one wins."""
    require(actor, "unit.hold", unit, _("Only managers can hold units."))
    reason = (reason or "").strip()[:200]
    return _transition(
        unit, to=UnitStatus.HELD, actor=actor, expected_from={UnitStatus.AVAILABLE}, action="hold",
        extra={"held_by_id": actor.pk, "held_at": timezone.now(), "hold_reason": reason},
    )  # fmt: skip


@transaction.atomic
def unit_release(*, actor: Any, unit: Unit, reason: str = "") -> Unit:
    """Put a held unit back on sale (same people as :func:`unit_hold`). Only a held unit can
    be released: Conflict ``unit_not_held`` (409) otherwise."""
    require(actor, "unit.release", unit, _("Only managers can release units."))
    try:
        return _transition(
            unit, to=UnitStatus.AVAILABLE, actor=actor, expected_from={UnitStatus.HELD}, action="release",
            detail={"reason": (reason or "").strip()[:200]} if reason else None,
        )  # fmt: skip
    except Conflict as exc:
        raise Conflict(
            "unit_not_held", _("Only a held unit can be released."), status=exc.extra.get("status")
        ) from None


@transaction.atomic
def unit_set_status(
    *,
    unit: Unit,
    to: str,
    actor: Any,
    expected_from: set[str],
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> Unit:
    """THE door for the deal services to move a unit (subscribe, contract, cancel, handover).

    Locks the unit row (``select_for_update``; on SQLite the IMMEDIATE transaction does),
    checks that its current status is one of ``expected_from``, sets ``to`` and audits the
    change (action ``status``). No policy check: the calling service has made it. Call it
    inside the caller's transaction so the deal and the unit commit together.

    Raises Conflict ``unit_unavailable`` (409, with ``status`` = the current status) when the
    unit is not in an expected status, for example a second subscription of one unit.
    Returns the unit as stored. A hold's ``held_by``/``hold_reason`` are cleared unless ``to``
    is ``held``.

    Example: ``unit_set_status(unit=u, to="subscribed", actor=user, expected_from={"available"})``.
    """
    if to not in UnitStatus.values:
        raise ValidationFailed({"status": [_("Unknown unit status %(s)s.") % {"s": to}]})
    unknown = set(expected_from) - set(UnitStatus.values)
    if not expected_from or unknown:
        raise ValidationFailed({"expected_from": [_("Name the statuses the unit may be in.")]})
    extra: dict[str, Any] = {}
    if to == UnitStatus.HELD:
        extra = {
            "held_by_id": getattr(actor, "pk", None),
            "held_at": timezone.now(),
            "hold_reason": reason[:200],
        }
    return _transition(
        unit, to=to, actor=actor, expected_from=set(expected_from), action="status", extra=extra,
        detail={**(detail or {}), **({"reason": reason[:200]} if reason else {})} or None,
    )  # fmt: skip


def _site_of(unit: Unit) -> int | None:
    from loupan.org.models import Site

    return Site.objects.filter(project_id=unit.project_id).order_by("pk").values_list("pk", flat=True).first()


def _transition(
    unit: Unit,
    *,
    to: str,
    actor: Any,
    expected_from: set[str],
    action: str,
    extra: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> Unit:
    locked = _locked(unit)
    if locked.status not in expected_from:
        raise unit_unavailable(locked)
    before = snapshot(locked, UNIT_AUDITED)
    values = {
        "status": to,
        "held_by_id": None,
        "held_at": None,
        "hold_reason": "",
        "updated_at": timezone.now(),
    }
    values.update(extra or {})
    # Compare-and-set: even where the row lock is a no-op, only one writer moves the unit.
    moved = Unit.objects.filter(pk=locked.pk, status__in=sorted(expected_from)).update(**values)
    if moved != 1:
        locked.refresh_from_db()
        raise unit_unavailable(locked)
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action=action,
        obj=locked,
        changes=diff(before, snapshot(locked, UNIT_AUDITED)),
        detail=detail,
    )
    emit("unit.status_changed", obj=locked, site_id=lambda: _site_of(locked),
         data={"from": before["status"], "to": to, "building": locked.building_id, "project": locked.project_id})  # fmt: skip
    unit.status, unit.held_by_id, unit.held_at, unit.hold_reason = (
        locked.status, locked.held_by_id, locked.held_at, locked.hold_reason,
    )  # fmt: skip
    return locked
