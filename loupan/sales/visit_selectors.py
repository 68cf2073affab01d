"""Reads of the reception desk (来访登记) and the reception rotation (接待轮序)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from loupan.core.masking import mask_phone
from loupan.core.validators import InvalidValue, normalize_mobile
from loupan.customers.models import Customer
from loupan.org.choices import FRONTLINE_ROLES

from .models import ReceptionQueue, Visit
from .services.reception import pick_next, receives_walk_ins, rotation_slots
from .services.visits import has_visited


def reception_state(*, site: Any) -> dict[str, Any]:
    """A site's reception rotation as the desk and the manager see it: members in order, who
    can receive a visitor now, and who receives the next new one (3 queries)."""
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
    ``{"phone" (masked), "valid", "status": "owner"|"pool"|"new"|"registered", "owner", "revisit",
    "next"}`` ("registered": a live agency registration protects the phone; confirm that visit).
    Like a duplicate warning it names nothing beyond the masked phone and the owner."""
    try:
        phone = normalize_mobile(phone)
    except InvalidValue:
        return {"valid": False}
    customer = Customer.objects.filter(site=site, phone=phone).select_related("owner").first()
    preview = {
        "valid": True,
        "phone": mask_phone(phone),
        "last4": phone[-4:],
        "owner": None,
        "revisit": False,
        "next": None,
    }
    if customer is not None:
        preview["revisit"] = has_visited(customer)
    if customer is not None and customer.owner_id:
        return {**preview, "status": "owner", "owner": customer.owner}
    if customer is None:
        from loupan.channels.selectors import registration_conflict

        if registration_conflict(site=site, phone=phone) is not None:
            return {**preview, "status": "registered"}  # an agency's prospect: confirm the visit there
    return {**preview, "status": "pool" if customer else "new", "next": reception_state(site=site)["next"]}


def rotation_candidates(*, site: Any) -> QuerySet:
    """The site's active salespeople and agents, who may be put in its reception rotation."""
    return site.staff.filter(is_active=True, role__in=FRONTLINE_ROLES).order_by("full_name", "username", "id")


def visit_just_registered(*, user: Any, site: Any, pk: int) -> Any:
    """A visit the user registered at the desk, to say who received the visitor. The desk
    learns the salesperson and the kind of visit only (the customer may be out of its scope)."""
    return Visit.objects.filter(pk=pk, site=site, registered_by=user).select_related("assigned_to").first()
