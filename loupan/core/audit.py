"""Audit trail (domain.md rule 7): changes, exports, logins and denied attempts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The audited fields of an object as plain JSON values (FKs as ids)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
            # As stored: 2500000 and 2500000.00 are the same value, not a change.
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        values[name] = _plain(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{"field": [old, new]}`` for every field whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _client_ip(request: Any) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: int | None = None,
    changes: dict | None = None,
    detail: dict | None = None,
    request: Any = None,
) -> AuditEvent:
    """Write one audit event. ``obj`` supplies the object type and id when given."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = obj.pk
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(getattr(actor, "display_name", "") or getattr(actor, "username", "")) if is_user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes or {},
        detail=detail or {},
        ip_address=_client_ip(request),
    )


def audit_denied(request: Any, reason: str = "") -> None:
    """Record a refused action (403) with the path it was tried on."""
    if request is None:
        return
    user = getattr(request, "user", None)
    audit_record(
        actor=user,
        action="denied",
        detail={"path": request.path, "method": request.method, "reason": str(reason)[:200]},
        request=request,
    )


def audit_bulk(*, actor: Any, action: str, object_type: str, changes_by_id: dict[int, dict]) -> None:
    """One audit event per object for a bulk change (pool release, offboarding)."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    name = (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if is_user else ""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor if is_user else None,
                actor_name=name,
                action=action,
                object_type=object_type,
                object_id=pk,
                changes=changes,
            )
            for pk, changes in changes_by_id.items()
        ],
        batch_size=500,
    )
