"""Reads of the sales workflow, always through the caller's data scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .choices import SubscriptionStatus
from .models import Subscription


def overdue_subscriptions(*, user: Any, today: dt.date | None = None) -> QuerySet[Subscription]:
    """Active subscriptions past their deadline to sign, in the user's scope (for managers)."""
    today = today or timezone.localdate()
    return (
        Subscription.objects.visible_to(user)
        .filter(status=SubscriptionStatus.ACTIVE, sign_deadline__lt=today)
        .select_related("unit", "customer")
        .order_by("sign_deadline", "id")
    )


def reception_state(*, site: Any) -> dict[str, Any]:
    """A site's reception rotation as the desk and the manager see it: members in order, who
    can receive a visitor now, and who receives the next new one (3 queries)."""
    from .models import ReceptionQueue
    from .services.reception import pick_next, receives_walk_ins, rotation_slots

    slots, staff_ids = rotation_slots(site)
    queue = ReceptionQueue.objects.filter(site=site).first()
    last = queue.last_position if queue else 0
    chosen = pick_next(slots, staff_ids, last)
    rows = [
        {"slot": s, "user": s.user, "position": s.position, "receiving": receives_walk_ins(s.user, staff_ids),
         "next": chosen is not None and s.pk == chosen.pk}
        for s in slots
    ]  # fmt: skip
    return {
        "rows": rows,
        "next": chosen.user if chosen else None,
        "last_user_id": queue.last_user_id if queue else None,
    }


def visit_preview(*, site: Any, phone: str) -> dict[str, Any]:
    """What registering ``phone`` at ``site`` would do, for the desk before it sends the form:
    ``{"phone" (masked), "valid", "status": "owner"|"pool"|"new", "owner", "revisit", "next"}``.
    Like a duplicate warning it names nothing beyond the masked phone and the owner."""
    from loupan.core.masking import mask_phone
    from loupan.core.validators import InvalidValue, normalize_mobile
    from loupan.customers.models import Customer

    from .services.visits import has_visited

    try:
        phone = normalize_mobile(phone)
    except InvalidValue:
        return {"valid": False}
    customer = Customer.objects.filter(site=site, phone=phone).select_related("owner").first()
    preview = {"valid": True, "phone": mask_phone(phone), "owner": None, "revisit": False, "next": None}
    if customer is not None:
        preview["revisit"] = has_visited(customer)
    if customer is not None and customer.owner_id:
        return {**preview, "status": "owner", "owner": customer.owner}
    return {**preview, "status": "pool" if customer else "new", "next": reception_state(site=site)["next"]}
