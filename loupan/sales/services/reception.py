"""接待轮序 the reception rotation of a site: who receives the next walk-in, and the
manager's writes on it (order, members, who is on duty).

The rotation is the site's ``ReceptionSlot`` rows in ``position`` order. Its pointer
(``ReceptionQueue``: the position served last) moves on to the next salesperson who can
receive a visitor now: active, on duty, still working at the site (agents: their agency's
contract live). Everyone who changes the rotation or takes a turn locks the site's
``ReceptionQueue`` row first, so turns are handed out one at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record
from loupan.core.errors import Conflict, NotFound, ValidationFailed
from loupan.core.policy import require
from loupan.org.choices import FRONTLINE_ROLES
from loupan.org.models import Site, User

from ..models import ReceptionQueue, ReceptionSlot


def receives_walk_ins(user: User, staff_ids: Iterable[int]) -> bool:
    """Whether a member of the rotation can take a visitor now."""
    return (
        user.on_duty and user.has_live_access and user.role in FRONTLINE_ROLES and user.pk in set(staff_ids)
    )


def rotation_slots(site: Site) -> tuple[list[ReceptionSlot], set[int]]:
    """The rotation in order (with users and agencies) and the ids of the site's staff: two queries."""
    slots = list(
        ReceptionSlot.objects.filter(site=site).select_related("user__agency").order_by("position", "id")
    )
    return slots, set(site.staff.values_list("pk", flat=True))


def pick_next(slots: list[ReceptionSlot], staff_ids: set[int], last_position: int) -> ReceptionSlot | None:
    """The first member after ``last_position`` who can receive a visitor, wrapping around."""
    ready = [s for s in slots if receives_walk_ins(s.user, staff_ids)]
    if not ready:
        return None
    return next((s for s in ready if s.position > last_position), ready[0])


def locked_queue(site: Site) -> ReceptionQueue:
    """The site's rotation pointer, created on first use, locked until the transaction ends."""
    ReceptionQueue.objects.get_or_create(site=site)
    return ReceptionQueue.objects.select_for_update().get(site=site)


def rotation_take_turn(*, site: Site) -> User:
    """Hand the next walk-in to the next salesperson in the rotation and move the pointer on.

    Call inside the registration's transaction (the pointer stays locked until it ends, and
    goes back if the registration fails). Conflict ``no_one_on_duty`` when nobody can take it.
    """
    queue = locked_queue(site)
    slots, staff_ids = rotation_slots(site)
    chosen = pick_next(slots, staff_ids, queue.last_position)
    if chosen is None:
        raise Conflict("no_one_on_duty", _("Nobody in this site's reception rotation is on duty."))
    queue.last_position = chosen.position
    queue.last_user = chosen.user
    queue.save(update_fields=["last_position", "last_user", "updated_at"])
    return chosen.user


# --- the manager's writes ---------------------------------------------------------------------


def _site_member(site: Site, user: User, field: str = "user") -> None:
    if not (user.is_active and user.role in FRONTLINE_ROLES and site.staff.filter(pk=user.pk).exists()):
        raise ValidationFailed(
            {field: [_("%(name)s is not a salesperson of this site.") % {"name": user.display_name}]}
        )


def _audit(actor: Any, site: Site, action: str, **detail: Any) -> None:
    audit_record(actor=actor, action=action, object_type="site", object_id=site.pk, detail=detail)


def _apply_order(queue: ReceptionQueue, slots: list[ReceptionSlot]) -> None:
    """Renumber the slots 1..n in the given order (two steps: positions are unique per site)
    and keep the pointer on the person served last."""
    site_slots = ReceptionSlot.objects.filter(site_id=queue.site_id)
    offset = (site_slots.aggregate(m=Max("position"))["m"] or 0) + 1
    for i, slot in enumerate(slots, start=1):
        ReceptionSlot.objects.filter(pk=slot.pk).update(position=offset + i)
    for i, slot in enumerate(slots, start=1):
        ReceptionSlot.objects.filter(pk=slot.pk).update(position=i)
        slot.position = i
        if slot.user_id == queue.last_user_id:
            queue.last_position = i
    queue.save(update_fields=["last_position", "updated_at"])


@transaction.atomic
def reception_slot_add(*, actor: Any, site: Site, user: User) -> ReceptionSlot:
    """Put a salesperson of the site at the end of its reception rotation."""
    require(actor, "reception.manage", site, _("Only the site's managers can change its rotation."))
    _site_member(site, user)
    queue = locked_queue(site)
    if ReceptionSlot.objects.filter(site=site, user=user).exists():
        raise Conflict(
            "already_in_rotation", _("%(name)s is already in the rotation.") % {"name": user.display_name}
        )
    last = ReceptionSlot.objects.filter(site=site).aggregate(m=Max("position"))["m"] or 0
    slot = ReceptionSlot.objects.create(site=site, user=user, position=last + 1)
    queue.save(update_fields=["updated_at"])
    _audit(actor, site, "rotation_add", user=user.pk)
    return slot


@transaction.atomic
def reception_slot_add_all(*, actor: Any, site: Site) -> list[ReceptionSlot]:
    """Put every active salesperson and agent of the site who is not in the rotation yet at its
    end, in the order they joined (how a new site's rotation starts)."""
    require(actor, "reception.manage", site, _("Only the site's managers can change its rotation."))
    queue = locked_queue(site)
    present = set(ReceptionSlot.objects.filter(site=site).values_list("user_id", flat=True))
    last = ReceptionSlot.objects.filter(site=site).aggregate(m=Max("position"))["m"] or 0
    newcomers = [
        u
        for u in site.staff.filter(is_active=True, role__in=FRONTLINE_ROLES).order_by("id")
        if u.pk not in present
    ]
    slots = ReceptionSlot.objects.bulk_create(
        ReceptionSlot(site=site, user=u, position=last + i) for i, u in enumerate(newcomers, start=1)
    )
    queue.save(update_fields=["updated_at"])
    if slots:
        _audit(actor, site, "rotation_add", users=[u.pk for u in newcomers])
    return slots


@transaction.atomic
def reception_slot_remove(*, actor: Any, site: Site, user: User) -> None:
    """Take someone out of the site's rotation (the others keep their order)."""
    require(actor, "reception.manage", site, _("Only the site's managers can change its rotation."))
    locked_queue(site)
    deleted, _rows = ReceptionSlot.objects.filter(site=site, user=user).delete()
    if not deleted:
        raise NotFound(_("Not in the rotation."))
    _audit(actor, site, "rotation_remove", user=user.pk)


@transaction.atomic
def reception_order_set(*, actor: Any, site: Site, user_ids: list[int]) -> list[ReceptionSlot]:
    """Put the rotation in the given order: ``user_ids`` names every member exactly once."""
    require(actor, "reception.manage", site, _("Only the site's managers can change its rotation."))
    queue = locked_queue(site)
    slots = {s.user_id: s for s in ReceptionSlot.objects.filter(site=site)}
    if sorted(user_ids) != sorted(slots) or len(set(user_ids)) != len(user_ids):
        raise ValidationFailed({"users": [_("Name every member of the rotation exactly once.")]})
    ordered = [slots[pk] for pk in user_ids]
    _apply_order(queue, ordered)
    _audit(actor, site, "rotation_order", users=list(user_ids))
    return ordered


@transaction.atomic
def reception_slot_move(*, actor: Any, site: Site, user: User, step: int) -> list[ReceptionSlot]:
    """Move someone one place earlier (``step=-1``) or later (``step=1``) in the rotation."""
    require(actor, "reception.manage", site, _("Only the site's managers can change its rotation."))
    locked_queue(site)
    order = list(
        ReceptionSlot.objects.filter(site=site).order_by("position", "id").values_list("user_id", flat=True)
    )
    if user.pk not in order:
        raise NotFound(_("Not in the rotation."))
    i = order.index(user.pk)
    j = min(max(i + (1 if step > 0 else -1), 0), len(order) - 1)
    order[i], order[j] = order[j], order[i]
    return reception_order_set(actor=actor, site=site, user_ids=order)


@transaction.atomic
def reception_duty_set(*, actor: Any, site: Site, user: User, on_duty: bool) -> User:
    """Say whether a salesperson of the site is on duty (在岗): off duty, the rotation skips them."""
    require(actor, "reception.manage", site, _("Only the site's managers can change who is on duty."))
    _site_member(site, user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.on_duty != on_duty:
        audit_record(actor=actor, action="duty", obj=locked, changes={"on_duty": [locked.on_duty, on_duty]},
                     detail={"site": site.pk})  # fmt: skip
        locked.on_duty = on_duty
        locked.save(update_fields=["on_duty"])
    user.on_duty = on_duty
    return locked
