"""Writes on follow-ups (跟进): recording an activity moves the customer's workflow on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record
from loupan.core.errors import ValidationFailed
from loupan.core.policy import require
from loupan.customers.choices import CustomerStatus
from loupan.customers.models import Customer

from ..choices import VISIT_KINDS, ActivityKind
from ..models import Activity

_CLOCK_SKEW = dt.timedelta(minutes=5)


def _clean(kind: str, occurred_at: dt.datetime, next_action_at: dt.datetime | None, notes: str) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = [_("Unknown kind of follow-up.")]
    if occurred_at > timezone.now() + _CLOCK_SKEW:
        errors["occurred_at"] = [_("A follow-up cannot happen in the future.")]
    if next_action_at is not None and next_action_at < occurred_at:
        errors["next_action_at"] = [_("The next action must come after this follow-up.")]
    if len(notes) > 4000:
        errors["notes"] = [_("At most 4000 characters.")]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    customer: Customer,
    kind: str,
    occurred_at: dt.datetime | None = None,
    notes: str = "",
    next_action_at: dt.datetime | None = None,
) -> Activity:
    """Record a follow-up on a customer the actor owns or manages.

    The customer's idle clock restarts, its next action becomes this one's, and a
    visit moves a lead to ``visited`` (the change is kept in the history).
    """
    require(
        actor, "customer.follow_up", customer, _("Only the owner or a manager can follow up this customer.")
    )
    occurred_at = occurred_at or timezone.now()
    _clean(kind, occurred_at, next_action_at, notes or "")
    activity = Activity.objects.create(
        customer=customer, user=actor, kind=kind, occurred_at=occurred_at, notes=notes or "",
        next_action_at=next_action_at,
    )  # fmt: skip
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    changes: dict[str, list] = {}
    if kind in VISIT_KINDS and locked.status == CustomerStatus.LEAD:
        changes["status"] = [locked.status, CustomerStatus.VISITED]
        locked.status = CustomerStatus.VISITED
    locked.last_touched_at = max(locked.last_touched_at, occurred_at)
    if occurred_at >= (locked.last_touched_at - _CLOCK_SKEW):
        locked.next_action_at = next_action_at
    locked.save(update_fields=["status", "last_touched_at", "next_action_at", "updated_at"])
    audit_record(
        actor=actor,
        action="follow_up",
        obj=locked,
        changes=changes,
        detail={"activity": activity.pk, "kind": kind},
    )
    return activity
