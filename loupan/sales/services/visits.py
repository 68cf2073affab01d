"""来访登记 walk-in registration: find the visitor by phone or register them, hand them to
their owner or to the next salesperson in the reception rotation, and record the visit.

One transaction per walk-in. The site's rotation row is locked first, so registrations at
one site run one after another: two receptionists at the same moment hand their visitors
to two different salespeople, and a phone registered by the first is found by the second.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, diff, snapshot
from loupan.core.errors import ValidationFailed
from loupan.core.policy import require
from loupan.core.validators import InvalidValue, normalize_mobile
from loupan.customers.choices import CustomerStatus
from loupan.customers.models import Customer
from loupan.customers.services import AUDITED_FIELDS, customer_create
from loupan.org.models import Site, User

from ..choices import VISIT_KINDS, VisitAssignment, VisitKind
from ..models import Activity, Visit
from .activities import activity_create
from .reception import locked_queue, rotation_take_turn

_CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_PARTY = 50
VISITED_STATUSES = {
    CustomerStatus.VISITED,
    CustomerStatus.SUBSCRIBED,
    CustomerStatus.CONTRACTED,
    CustomerStatus.OWNER,
}
NEW_CUSTOMER_FIELDS = {"name", "gender", "source", "district", "occupation", "income_band", "intent_level"}


def _clean(phone: str, party_size: int, notes: str, occurred_at: dt.datetime) -> str:
    errors: dict[str, list[str]] = {}
    try:
        phone = normalize_mobile(phone)
    except InvalidValue as exc:
        errors["phone"] = [str(exc)]
    if not 1 <= int(party_size or 0) <= MAX_PARTY:
        errors["party_size"] = [_("Between 1 and %(n)d people.") % {"n": MAX_PARTY}]
    if len(notes) > 500:
        errors["notes"] = [_("At most 500 characters.")]
    if occurred_at > timezone.now() + _CLOCK_SKEW:
        errors["occurred_at"] = [_("A visit cannot happen in the future.")]
    if errors:
        raise ValidationFailed(errors)
    return phone


def has_visited(customer: Customer) -> bool:
    """A return visit (复访): the customer has been here before, by their status (imported
    records carry no activities) or by an earlier visit."""
    if customer.status in VISITED_STATUSES:
        return True
    return Activity.objects.filter(customer=customer, kind__in=VISIT_KINDS).exists()


def _hand_over_from_pool(actor: Any, customer: Customer, assignee: User) -> None:
    """A pool customer walks in: the salesperson whose turn it is becomes the owner."""
    before = snapshot(customer, AUDITED_FIELDS)
    customer.owner = assignee
    customer.credited_to = assignee
    customer.in_pool = False
    customer.pooled_at = None
    customer.last_touched_at = timezone.now()
    customer.save()
    audit_record(actor=actor, action="assign", obj=customer, changes=diff(before, snapshot(customer, AUDITED_FIELDS)),
                 detail={"by": VisitAssignment.ROTATION})  # fmt: skip


@transaction.atomic
def visit_register(
    *,
    actor: Any,
    site: Site,
    phone: str,
    name: str = "",
    data: dict[str, Any] | None = None,
    notes: str = "",
    party_size: int = 1,
    occurred_at: dt.datetime | None = None,
) -> Visit:
    """Register a walk-in at ``site`` (来访登记) and say who receives them.

    The visitor is found by phone (normalised) among the site's customers, or registered
    on the spot (``name`` required; ``data`` may add gender, source, district...; the source
    defaults to ``walk_in``). A customer with an owner goes to that owner; anyone else (a
    new visitor, a customer from the public pool) to the next salesperson of the site's
    reception rotation, who becomes the owner. The visit is a revisit (复访) when the
    customer has visited before, else a first visit; it is recorded as a follow-up by the
    salesperson who receives the visitor, so the customer's workflow moves on.

    Raises ValidationFailed (phone, name, party size, time), Conflict ``no_one_on_duty``,
    ``duplicate_customer`` (registered elsewhere at the same moment) or ``owner_at_capacity``;
    NotAllowed when the actor does not work at the site. Nothing is written then.
    """
    require(actor, "visit.register", site, _("You do not work at this site."))
    occurred_at = occurred_at or timezone.now()
    notes = (notes or "").strip()
    phone = _clean(phone, party_size, notes, occurred_at)
    locked_queue(site)  # registrations at this site take turns from here on
    customer = Customer.objects.select_for_update().filter(site=site, phone=phone).first()
    new = customer is None
    if customer is not None and customer.owner_id:
        assignee, assignment = customer.owner, VisitAssignment.OWNER
    else:
        if new and not (name or "").strip():
            raise ValidationFailed({"name": [_("A new visitor needs a name.")]})
        assignee, assignment = rotation_take_turn(site=site), VisitAssignment.ROTATION
    revisit = not new and has_visited(customer)
    if new:
        fields = {k: v for k, v in (data or {}).items() if k in NEW_CUSTOMER_FIELDS and v not in (None, "")}
        fields.setdefault("source", "walk_in")
        fields.update(name=name, phone=phone)
        customer = customer_create(actor=actor, site=site, data=fields, owner=assignee, by_rotation=True)
    elif customer.in_pool:
        _hand_over_from_pool(actor, customer, assignee)
    kind = VisitKind.REVISIT if revisit else VisitKind.VISIT
    activity = activity_create(
        actor=assignee, customer=customer, kind=kind, occurred_at=occurred_at, notes=notes
    )
    customer.refresh_from_db()  # the follow-up moved its status and idle clock
    visit = Visit.objects.create(
        site=site, customer=customer, kind=kind, assigned_to=assignee, assignment=assignment,
        registered_by=actor, activity=activity, new_customer=new, party_size=party_size, notes=notes,
        occurred_at=occurred_at,
    )  # fmt: skip
    audit_record(actor=actor, action="visit", obj=customer,
                 detail={"visit": visit.pk, "kind": kind, "assigned_to": assignee.pk, "by": assignment})  # fmt: skip
    return visit
