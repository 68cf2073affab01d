"""认筹 reservations: a deposit for a project and a gapless queue number per project."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import snapshot
from loupan.core.errors import Conflict
from loupan.core.policy import require
from loupan.customers.models import Customer
from loupan.inventory.models import Project

from ..choices import (
    ReservationStatus,
)
from ..models import (
    QueueCounter,
    Reservation,
)
from ._common import (
    RESERVATION_AUDITED,
    audit_changed,
    audit_created,
    money,
    reason_text,
)

# --- 认筹 reservations ---------------------------------------------------------------------------


def _next_queue_number(project: Project) -> int:
    """Take the project's next queue number under the counter row's lock (gapless: a
    rolled-back reservation rolls the counter back too)."""
    QueueCounter.objects.get_or_create(project=project)
    counter = QueueCounter.objects.select_for_update().get(project=project)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def reservation_create(*, actor: Any, project: Project, customer: Customer, deposit: Any) -> Reservation:
    """认筹: a customer pays a refundable deposit for a project and gets the next queue number.

    Numbers are per project, 1, 2, 3... without gaps or duplicates, even when many are taken
    at once. Owner of the customer or a manager in scope (else NotAllowed).
    """
    require(actor, "deal.create", customer, _("Only the customer's owner or a manager can do this."))
    amount = money(deposit, "deposit")
    reservation = Reservation.objects.create(
        project=project,
        customer=customer,
        deposit=amount,
        queue_number=_next_queue_number(project),
        created_by=actor,
    )
    audit_created(actor, reservation, RESERVATION_AUDITED)
    return reservation


@transaction.atomic
def reservation_refund(*, actor: Any, reservation: Reservation, reason: str = "") -> Reservation:
    """Refund an active reservation's deposit (managers). Its queue number is not reused."""
    require(actor, "deal.cancel", reservation, _("Only managers can refund reservations."))
    locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if locked.status != ReservationStatus.ACTIVE:
        raise Conflict("reservation_not_active", _("Only an active reservation can be refunded."))
    before = snapshot(locked, RESERVATION_AUDITED)
    locked.status = ReservationStatus.REFUNDED
    locked.refunded_at = timezone.now()
    locked.refunded_by = actor
    locked.refund_reason = reason_text(reason)
    locked.save()
    audit_changed(actor, locked, before, RESERVATION_AUDITED, "refund", deposit=str(locked.deposit))
    return locked
