"""Writes on customers: create, edit, ownership, the public pool (公客池)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_bulk, audit_record, diff, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.events import emit
from loupan.core.locks import lock_phone_at_site
from loupan.core.masking import mask_phone
from loupan.core.policy import require
from loupan.org.models import Site, User

from .choices import CustomerStatus
from .models import Customer, Interest, PoolClaim
from .validation import clean_customer_data, clean_interests

AUDITED_FIELDS = [
    "name", "phone", "id_number", "gender", "birth_date", "income_band", "occupation", "district",
    "source", "notes", "status", "owner", "site", "in_pool", "intent_budget_min", "intent_budget_max",
    "intent_area_min", "intent_area_max", "intent_bedrooms", "intent_purpose", "intent_level", "intent_floor",
    "is_club_member", "club_joined_on",
]  # fmt: skip
EDITABLE_FIELDS = set(AUDITED_FIELDS) - {"status", "owner", "site", "in_pool"}
RELEASABLE_STATUSES = [CustomerStatus.LEAD, CustomerStatus.VISITED, CustomerStatus.LOST]


def _duplicate_conflict(site: Site, phone: str, exclude_pk: int | None = None) -> Conflict | None:
    existing = Customer.objects.filter(site=site, phone=phone).exclude(pk=exclude_pk).select_related("owner")
    found = existing.first()
    if found is None:
        return None
    owner_name = found.owner.display_name if found.owner else _("public pool")
    return Conflict(
        "duplicate_customer",
        _("This phone is already registered at this site (%(phone)s, %(owner)s).")
        % {"phone": mask_phone(phone), "owner": owner_name},
        owner_name=owner_name,
        phone=mask_phone(phone),
    )


def _check_owner_works_at_site(owner: User, site: Site, field: str = "owner") -> None:
    works_there = owner.is_active and (
        owner.role in ("admin", "company_manager") or owner.sites.filter(pk=site.pk).exists()
    )
    if not works_there:
        raise ValidationFailed(
            {field: [_("%(name)s does not work at this site.") % {"name": owner.display_name}]}
        )


def _check_capacity(owner: User, site: Site) -> None:
    if not owner.is_frontline:
        return
    held = Customer.objects.filter(owner=owner, site=site).count()
    if held >= site.max_customers_per_user:
        raise Conflict(
            "owner_at_capacity",
            _("%(name)s already holds %(n)d customers at this site, the most allowed.")
            % {"name": owner.display_name, "n": held},
        )


def _set_interests(customer: Customer, tags: list[str]) -> None:
    existing = {i.name: i for i in Interest.objects.filter(name__in=tags)}
    missing = [Interest(name=t) for t in tags if t not in existing]
    if missing:
        Interest.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {i.name: i for i in Interest.objects.filter(name__in=tags)}
    customer.interests.set([existing[t] for t in tags])


def _audit_changes(
    actor: User, customer: Customer, before: dict, action: str = "update", **detail: Any
) -> None:
    changes = diff(before, snapshot(customer, AUDITED_FIELDS))
    if changes or detail:
        audit_record(actor=actor, action=action, obj=customer, changes=changes, detail=detail)


@transaction.atomic
def customer_create(
    *,
    actor: User,
    site: Site,
    data: dict[str, Any],
    owner: User | None = None,
    interests: list[str] | None = None,
    by_rotation: bool = False,
) -> Customer:
    """Register a customer at a site, owned by its creator unless a manager names another owner.

    ``by_rotation``: a walk-in registered at the reception desk (来访登记) whose owner the
    site's reception rotation picked (``loupan.sales.services.visit_register``), so anyone
    who works at the site may register it for that colleague.
    Raises ValidationFailed (bad fields), Conflict ``duplicate_customer`` (the phone is
    already registered at the site), ``already_protected`` (a live agency registration of
    the phone at the site) or ``owner_at_capacity``; nothing is written then.
    """
    require(actor, "customer.create", site, _("You do not work at this site."))
    fields = clean_customer_data({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    tags = clean_interests(interests)
    if owner is not None and owner.pk != actor.pk:
        if not by_rotation:
            require(actor, "customer.choose_owner", site, _("Only managers can name another owner."))
        _check_owner_works_at_site(owner, site)
    owner = owner or actor
    _check_capacity(owner, site)
    lock_phone_at_site(site.pk, fields["phone"])  # one decision at a time about this phone here
    if conflict := _duplicate_conflict(site, fields["phone"]):
        raise conflict
    from loupan.channels.selectors import registration_conflict  # channels builds on customers

    if conflict := registration_conflict(site=site, phone=fields["phone"]):
        raise conflict  # 409 already_protected: a live agency registration (渠道报备)
    now = timezone.now()
    customer = Customer(
        site=site, owner=owner, registered_by=actor, credited_to=owner, last_touched_at=now, created_at=now,
        **fields,
    )  # fmt: skip
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # Someone registered the same phone between our check and our insert.
        raise _duplicate_conflict(site, fields["phone"]) or Conflict(
            "conflict", _("Please try again.")
        ) from None
    if tags:
        _set_interests(customer, tags)
    created = snapshot(customer, AUDITED_FIELDS)
    audit_record(
        actor=actor,
        action="create",
        obj=customer,
        changes={k: [None, v] for k, v in created.items() if v not in (None, "", False)},
        detail={"interests": tags} if tags else {},
    )
    emit(
        "customer.created", obj=customer, site_id=site.pk, data={"status": customer.status, "owner": owner.pk}
    )
    return customer


@transaction.atomic
def customer_update(
    *, actor: User, customer: Customer, data: dict[str, Any], interests: list[str] | None = None
) -> Customer:
    """Edit a customer's profile and intention; every change goes to the history."""
    require(actor, "customer.update", customer)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    fields = clean_customer_data({k: v for k, v in data.items() if k in EDITABLE_FIELDS}, partial=True)
    phone_changed = "phone" in fields and fields["phone"] != customer.phone
    if phone_changed and (
        conflict := _duplicate_conflict(customer.site, fields["phone"], exclude_pk=customer.pk)
    ):
        raise conflict
    before = snapshot(customer, AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.save()
    detail = {}
    if interests is not None:
        tags = clean_interests(interests)
        old = sorted(customer.interests.values_list("name", flat=True))
        if sorted(tags) != old:
            _set_interests(customer, tags)
            detail["interests"] = [old, tags]
    changes = diff(before, snapshot(customer, AUDITED_FIELDS))
    if detail:
        changes.update(detail)
    if changes:
        audit_record(actor=actor, action="update", obj=customer, changes=changes)
        emit("customer.updated", obj=customer, site_id=customer.site_id, data={"changed": sorted(changes)})
    return customer


@transaction.atomic
def customer_transfer(*, actor: User, customer: Customer, new_owner: User) -> Customer:
    """A manager hands a customer to a colleague of the same site. Credit stays where it was."""
    require(actor, "customer.transfer", customer, _("Only managers can transfer customers."))
    customer = Customer.objects.select_for_update().select_related("site").get(pk=customer.pk)
    _check_owner_works_at_site(new_owner, customer.site)
    before = snapshot(customer, AUDITED_FIELDS)
    customer.owner = new_owner
    customer.in_pool = False
    customer.pooled_at = None
    customer.last_touched_at = timezone.now()
    customer.save()
    _audit_changes(actor, customer, before, action="transfer")
    return customer


@transaction.atomic
def customer_release(*, actor: User, customer: Customer, reason: str = "") -> Customer:
    """The owner or a manager puts a customer into the site's public pool."""
    require(actor, "customer.release", customer, _("Only the owner or a manager can release this customer."))
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.in_pool:
        raise Conflict("already_in_pool", _("This customer is already in the pool."))
    before = snapshot(customer, AUDITED_FIELDS)
    _put_in_pool(customer)
    customer.save()
    _audit_changes(actor, customer, before, action="release", reason=reason[:200])
    return customer


def _put_in_pool(customer: Customer) -> None:
    customer.owner = None
    customer.in_pool = True
    customer.pooled_at = timezone.now()
    customer.next_action_at = None


def claims_today(user: User, site: Site) -> int:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return PoolClaim.objects.filter(user=user, site=site, claimed_at__gte=start).count()


@transaction.atomic
def customer_claim(*, actor: User, customer: Customer) -> Customer:
    """A salesperson of the site takes a customer from the pool and gets the credit for it.

    Limits: ``pool_claims_per_day`` claims per person per site and day, and the site's
    cap on customers held. Two people racing for one customer: the first wins, the
    second gets 409 ``not_in_pool``.
    """
    require(actor, "customer.claim", customer, _("Only salespeople of this site can claim from its pool."))
    customer = Customer.objects.select_for_update().select_related("site").get(pk=customer.pk)
    if not customer.in_pool:
        raise Conflict("not_in_pool", _("Someone else has already taken this customer."))
    site = customer.site
    if claims_today(actor, site) >= site.pool_claims_per_day:
        raise Conflict(
            "claim_limit_reached",
            _("You have claimed %(n)d customers at this site today, the daily limit.")
            % {"n": site.pool_claims_per_day},
        )
    _check_capacity(actor, site)
    before = snapshot(customer, AUDITED_FIELDS)
    customer.owner = actor
    customer.credited_to = actor
    customer.in_pool = False
    customer.pooled_at = None
    customer.last_touched_at = timezone.now()
    customer.save()
    PoolClaim.objects.create(customer=customer, user=actor, site=site)
    _audit_changes(actor, customer, before, action="claim")
    return customer


def customer_erase(*, actor: User, customer: Customer) -> None:
    """Erase a customer for a data-subject request (admins only); the audit keeps the fact."""
    require(actor, "customer.delete", customer, _("Customers are never deleted; release them instead."))
    with transaction.atomic():
        pk = customer.pk
        customer.delete()
        audit_record(actor=actor, action="erase", object_type="customer", object_id=pk)


def release_idle_customers(*, now: dt.datetime | None = None, actor: User | None = None) -> dict[str, int]:
    """Move customers nobody followed up for their site's limit into the site's pool.

    Runs daily (Celery beat, or the embedded scheduler). Customers in a deal
    (subscribed, contracted, owner) are never released, nor those an agent brought while
    the registration's protection period lasts.
    """
    from loupan.channels.selectors import protected_customer_ids  # channels builds on customers

    now = now or timezone.now()
    released = 0
    for site in Site.objects.filter(is_active=True):
        for status in RELEASABLE_STATUSES:
            cutoff = now - dt.timedelta(days=site.pool_days_for(status))
            idle = Customer.objects.filter(
                site=site, status=status, in_pool=False, owner__isnull=False, last_touched_at__lt=cutoff
            ).exclude(pk__in=protected_customer_ids(now))  # an agency's protection period after the visit
            released += _release_in_bulk(idle, actor=actor, action="auto_release", now=now)
    return {"released": released}


def _release_in_bulk(queryset, *, actor: User | None, action: str, now: dt.datetime) -> int:  # noqa: ANN001
    total = 0
    while True:
        with transaction.atomic():
            batch = list(queryset.values_list("pk", "owner_id")[:1000])
            if not batch:
                return total
            ids = [pk for pk, _owner in batch]
            Customer.objects.filter(pk__in=ids).update(
                owner=None, in_pool=True, pooled_at=now, next_action_at=None
            )
            changes = {pk: {"owner": [owner, None], "in_pool": [False, True]} for pk, owner in batch}
            audit_bulk(actor=actor, action=action, object_type="customer", changes_by_id=changes)
            total += len(ids)


def customers_hand_over_all(*, actor: User, user: User, to_user: User | None = None) -> int:
    """Offboarding: every customer ``user`` owns goes to the pool, or to a named colleague."""
    owned = Customer.objects.filter(owner=user)
    if to_user is None:
        return _release_in_bulk(owned, actor=actor, action="offboard_release", now=timezone.now())
    moved = 0
    for customer in owned.select_related("site"):
        customer_transfer(actor=actor, customer=customer, new_owner=to_user)
        moved += 1
    return moved
