"""Reads of the sales workflow, always through the caller's data scope."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import ReservationStatus, SubscriptionStatus
from .models import Contract, Reservation, Subscription, UnitChange

_SEARCH_SPLIT = re.compile(r"[\s\-#/,，]+")
MONEY = DecimalField(max_digits=14, decimal_places=2)
CENT = Decimal("0.01")


def overdue_subscriptions(*, user: Any, today: dt.date | None = None) -> QuerySet[Subscription]:
    """Active subscriptions past their deadline to sign, in the user's scope (for managers)."""
    today = today or timezone.localdate()
    return (
        Subscription.objects.visible_to(user)
        .filter(status=SubscriptionStatus.ACTIVE, sign_deadline__lt=today)
        .select_related("unit", "customer")
        .order_by("sign_deadline", "id")
    )


# --- the deal pages -------------------------------------------------------------------------------


def subscription_list(
    *,
    user: Any,
    status: str = "",
    project: Any = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Subscription]:
    """Subscriptions in the user's scope, newest first, with unit, customer and contract in
    the same query; ``overdue`` keeps active ones past their deadline to sign."""
    qs = Subscription.objects.visible_to(user).select_related(
        "unit__building", "unit__project", "customer", "created_by", "contract"
    )
    if status:
        qs = qs.filter(status=status)
    if project is not None:
        qs = qs.filter(unit__project=project)
    if overdue:
        qs = qs.filter(status=SubscriptionStatus.ACTIVE, sign_deadline__lt=today or timezone.localdate())
    return qs.order_by("-created_at", "-id")


def reservation_list(
    *, user: Any, project: Any = None, status: str = "", customer: Any = None
) -> QuerySet[Reservation]:
    """认筹 reservations in the user's scope, by project and queue number."""
    qs = Reservation.objects.visible_to(user).select_related("project", "customer", "created_by")
    if project is not None:
        qs = qs.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.order_by("project__name", "queue_number")


def reservations_for_unit(*, user: Any, project_id: int, customer_id: int | None) -> QuerySet[Reservation]:
    """The customer's active 认筹 reservations for a project, as the user sees them, in queue
    order: what a 认购 of one of the project's units can convert. No customer: nothing."""
    if customer_id is None:
        return Reservation.objects.none()
    return (
        Reservation.objects.visible_to(user)
        .filter(project_id=project_id, customer_id=customer_id, status=ReservationStatus.ACTIVE)
        .order_by("queue_number")
    )


def contracts_with_paid(*, user: Any) -> QuerySet[Contract]:
    """Contracts in the user's scope with ``paid_sum`` (all payments) annotated and the
    unit, subscription and handover joined: one query for a whole list."""
    return (
        Contract.objects.visible_to(user)
        .select_related("unit__building", "unit__project", "subscription", "handover")
        .annotate(paid_sum=Coalesce(Sum("payments__amount"), Value(Decimal("0.00")), output_field=MONEY))
    )


def customer_deals(*, user: Any, customer: Any) -> dict[str, list]:
    """The deals of one visible customer for their page: reservations, subscriptions
    (without a signed contract of their own shown twice) and contracts with paid and
    outstanding; a constant number of queries whatever the number of deals."""
    reservations = list(reservation_list(user=user, customer=customer))
    subscriptions = list(
        Subscription.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("unit__building", "unit__project", "contract")
        .order_by("-created_at", "-id")
    )
    contracts = list(contracts_with_paid(user=user).filter(customer=customer).order_by("-created_at", "-id"))
    for contract in contracts:
        contract.paid_sum = Decimal(contract.paid_sum).quantize(CENT)  # SQLite sums lose the scale
        contract.outstanding = contract.price - contract.paid_sum
    return {"reservations": reservations, "subscriptions": subscriptions, "contracts": contracts}


def contract_detail_queryset(*, user: Any) -> QuerySet[Contract]:
    """One contract's page: the contract with its unit, customer, people and handover."""
    return Contract.objects.visible_to(user).select_related(
        "unit__building", "unit__project", "customer", "subscription", "created_by", "approved_by",
        "cancelled_by", "handover__by",
    )  # fmt: skip


def money_trail(*, contract: Contract) -> dict[str, list]:
    """Where a contract's money went: its payments (carried-over ones name their origin),
    its cancellations, and the changes of unit from or to it."""
    return {
        "payments": list(
            contract.payments.select_related("recorded_by", "carried_from__unit").order_by(
                "received_at", "id"
            )
        ),
        "cancellations": list(contract.cancellations.select_related("by").order_by("at", "id")),
        "changes": list(
            UnitChange.objects.filter(Q(from_contract=contract) | Q(to_contract=contract))
            .select_related("from_unit__building", "to_unit__building", "from_contract", "to_contract", "by")
            .order_by("at", "id")
        ),
    }


def available_units(*, user: Any, project_id: int, q: str = "", building_id: int | None = None) -> QuerySet:
    """Units of a project the user sees that can be taken now (for 换房), in building, floor
    and stack order. ``q`` narrows by building name or unit number: every word of it (split at
    spaces and ``-#/,``, so "1号楼 302" and "1-302" both work) must be in one or the other."""
    from loupan.inventory.choices import UnitStatus
    from loupan.inventory.models import Unit

    qs = Unit.objects.visible_to(user).filter(project_id=project_id, status=UnitStatus.AVAILABLE)
    if building_id is not None:
        qs = qs.filter(building_id=building_id)
    for word in _SEARCH_SPLIT.split(q.strip())[:5]:
        if word:
            qs = qs.filter(Q(building__name__icontains=word) | Q(number__icontains=word))
    return qs.select_related("building").order_by("building__name", "floor", "stack", "id")
