"""渠道报备: registering a prospect, the protection it gives, 带看确认 and lapsing.

A registration protects a phone at a site for the agent while it is pending and within
its deadline to bring the customer (the site's ``registration_visit_days``). Site staff
confirm the visit: the customer is created (or, from the pool, attached) owned by the
agent, and the registration then protects that customer for the site's
``registration_protection_days`` (the nightly pool release leaves it with the agent).
Conflicts (撞单) answer 409 ``already_protected`` with nothing but the masked phone: no
owner, no agency, no name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_bulk, audit_record, diff, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.locks import lock_phone_at_site
from loupan.core.masking import mask_phone
from loupan.core.policy import require
from loupan.core.validators import InvalidValue, normalize_mobile
from loupan.customers.models import Customer
from loupan.customers.validation import clean_customer_data
from loupan.org.models import Site, User

from ..choices import RegistrationStatus
from ..models import Registration
from ..selectors.registrations import protection_conflict, registration_sites

AUDITED = [
    "agency",
    "agent",
    "site",
    "customer_name",
    "phone",
    "status",
    "protected_until",
    "customer",
    "reason",
]


def _clean(site: Site | None, customer_name: str, phone: str, notes: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    name = (customer_name or "").strip()
    if not name:
        errors["customer_name"] = [_("A name is required.")]
    elif len(name) > 60:
        errors["customer_name"] = [_("At most %(n)d characters.") % {"n": 60}]
    try:
        phone = normalize_mobile(phone)
    except InvalidValue as exc:
        errors["phone"] = [str(exc)]
    if site is None:
        errors["site"] = [_("Choose a site.")]
    if errors:
        raise ValidationFailed(errors)
    return name, phone, (notes or "").strip()[:200]


def registration_create(
    *, actor: User, site: Site | None, customer_name: str, phone: str, notes: str = ""
) -> Registration:
    """An agent registers a prospect at a site before the visit.

    The site must be one the agent works at and, when the agency has contracts on record,
    one its live contract covers (else 400 on ``site``). A phone already protected at the
    site (a customer someone owns, or another live registration) is refused with 409
    ``already_protected``; the attempt is audited, and the answer names nothing but the
    masked phone.
    """
    require(actor, "registration.create", None, _("Only agents of an agency under contract can register."))
    name, phone, notes = _clean(site, customer_name, phone, notes)
    if not registration_sites(actor).filter(pk=site.pk).exists():
        raise ValidationFailed({"site": [_("Your agency may not sell at this site.")]})
    now = timezone.now()
    try:
        with transaction.atomic():
            lock_phone_at_site(site.pk, phone)  # a walk-in of the same phone waits for us, or we for it
            if conflict := protection_conflict(site=site, phone=phone, now=now):
                raise conflict
            _lapse_stale(site, phone, now)
            registration = Registration.objects.create(
                agency_id=actor.agency_id, agent=actor, site=site, customer_name=name, phone=phone,
                phone_last4=phone[-4:], notes=notes, created_at=now,
                protected_until=now + dt.timedelta(days=site.registration_visit_days),
            )  # fmt: skip
            audit_record(
                actor=actor,
                action="create",
                obj=registration,
                changes=diff({}, snapshot(registration, AUDITED)),
            )
    except Conflict:
        _audit_conflict(actor, site, phone)  # after the rollback, so the attempt stays on record
        raise
    except IntegrityError:
        # Another registration of this phone at this site got in first (the partial unique index).
        _audit_conflict(actor, site, phone)
        raise _already_protected(phone) from None
    return registration


def _already_protected(phone: str) -> Conflict:
    return Conflict(
        "already_protected",
        _("This phone (%(phone)s) is already protected at this site; it cannot be registered now.")
        % {"phone": mask_phone(phone)},
        phone=mask_phone(phone),
    )


def _audit_conflict(actor: User, site: Site, phone: str) -> None:
    audit_record(
        actor=actor, action="registration_conflict", object_type="site", object_id=site.pk,
        detail={"phone": mask_phone(phone)},
    )  # fmt: skip


def _lapse_stale(site: Site, phone: str, now: dt.datetime) -> None:
    """A pending registration past its deadline that the daily job has not reached yet."""
    stale = Registration.objects.filter(
        site=site, phone=phone, status=RegistrationStatus.PENDING, protected_until__lte=now
    )
    _expire(stale, now=now, actor=None)


@transaction.atomic
def registration_confirm_visit(
    *, actor: User, registration: Registration, visited_at: dt.datetime | None = None
) -> Registration:
    """带看确认 by site staff: the customer now exists at the site, owned by the agent.

    A new phone becomes a new customer (source ``agency``) registered by the agent; a
    customer waiting in the site's pool is attached to the agent. The visit is recorded as
    the agent's follow-up (kind ``visit``). The registration becomes ``confirmed`` and
    protects the agent's customer for the site's ``registration_protection_days``.
    Refused (409) when the registration is no longer pending (``registration_not_pending``),
    its deadline has passed (``registration_expired``), the agent lost access
    (``agent_inactive``) or someone already owns the phone (``already_protected``).
    """
    from loupan.sales.services import activity_create

    require(actor, "registration.confirm", registration, _("Only staff of this site can confirm visits."))
    reg = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("site", "agent__agency")
        .get(pk=registration.pk)
    )
    now = timezone.now()
    if reg.status != RegistrationStatus.PENDING:
        raise Conflict("registration_not_pending", _("This registration is no longer waiting for a visit."))
    if reg.protected_until <= now:
        raise Conflict("registration_expired", _("The deadline to bring this customer has passed."))
    agent = reg.agent
    if not agent.has_live_access:
        raise Conflict("agent_inactive", _("The agent of this registration no longer has access."))
    before = snapshot(reg, AUDITED)
    customer, attached = _customer_for(actor, reg, now)
    activity_create(
        actor=agent, customer=customer, kind="visit", occurred_at=min(visited_at or now, now),
        notes=_("Visit confirmed by %(name)s (agency registration).") % {"name": actor.display_name},
    )  # fmt: skip
    customer.refresh_from_db()  # the visit moved a lead to ``visited``
    reg.status = RegistrationStatus.CONFIRMED
    reg.customer = customer
    reg.attached = attached
    reg.confirmed_at = now
    reg.confirmed_by = actor
    reg.closed_at = now
    reg.protected_until = now + dt.timedelta(days=reg.site.registration_protection_days)
    reg.save()
    audit_record(
        actor=actor, action="confirm_visit", obj=reg, changes=diff(before, snapshot(reg, AUDITED)),
        detail={"attached": attached},
    )  # fmt: skip
    return reg


def _customer_for(actor: User, reg: Registration, now: dt.datetime) -> tuple[Customer, bool]:
    """Create the agent's customer, or attach the site's pool customer of that phone."""
    from loupan.customers.services import AUDITED_FIELDS

    existing = Customer.objects.select_for_update().filter(site=reg.site, phone=reg.phone).first()
    agent = reg.agent
    if existing is not None:
        if existing.owner_id not in (None, agent.pk) or (existing.owner_id is None and not existing.in_pool):
            raise _already_protected(reg.phone)
        before = snapshot(existing, AUDITED_FIELDS)
        existing.owner = agent
        existing.credited_to = agent
        existing.in_pool = False
        existing.pooled_at = None
        existing.last_touched_at = now
        existing.save()
        audit_record(
            actor=actor, action="registration_attach", obj=existing,
            changes=diff(before, snapshot(existing, AUDITED_FIELDS)), detail={"registration": reg.pk},
        )  # fmt: skip
        return existing, True
    fields = clean_customer_data({"name": reg.customer_name, "phone": reg.phone, "source": "agency"})
    customer = Customer.objects.create(
        site=reg.site, owner=agent, registered_by=agent, credited_to=agent, last_touched_at=now,
        created_at=now, **fields,
    )  # fmt: skip
    created = snapshot(customer, AUDITED_FIELDS)
    audit_record(
        actor=actor, action="create", obj=customer,
        changes={k: [None, v] for k, v in created.items() if v not in (None, "", False)},
        detail={"registration": reg.pk},
    )  # fmt: skip
    return customer, False


@transaction.atomic
def registration_reject(*, actor: User, registration: Registration, reason: str = "") -> Registration:
    """A site manager turns a pending registration down (wrong person, never came...)."""
    require(
        actor, "registration.reject", registration, _("Only managers of this site can reject registrations.")
    )
    reg = Registration.objects.select_for_update().get(pk=registration.pk)
    if reg.status != RegistrationStatus.PENDING:
        raise Conflict("registration_not_pending", _("This registration is no longer waiting for a visit."))
    before = snapshot(reg, AUDITED)
    reg.status = RegistrationStatus.REJECTED
    reg.reason = (reason or "").strip()[:200]
    reg.closed_at = timezone.now()
    reg.save()
    audit_record(actor=actor, action="reject", obj=reg, changes=diff(before, snapshot(reg, AUDITED)))
    return reg


def registrations_expire(*, now: dt.datetime | None = None, actor: Any = None) -> dict[str, int]:
    """Daily: pending registrations past their deadline to bring the customer lapse
    (``expired``), freeing the phone. Also run by ``manage.py expire_registrations``."""
    now = now or timezone.now()
    due = Registration.objects.filter(status=RegistrationStatus.PENDING, protected_until__lte=now)
    return {"expired": _expire(due, now=now, actor=actor)}


def _expire(queryset, *, now: dt.datetime, actor: Any, reason: str = "") -> int:  # noqa: ANN001
    total = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True)[:1000])
            if not ids:
                return total
            Registration.objects.filter(pk__in=ids, status=RegistrationStatus.PENDING).update(
                status=RegistrationStatus.EXPIRED, closed_at=now, reason=reason
            )
            changes = {pk: {"status": [RegistrationStatus.PENDING, RegistrationStatus.EXPIRED]} for pk in ids}
            audit_bulk(actor=actor, action="expire", object_type="registration", changes_by_id=changes)
            total += len(ids)


def registrations_close_for_agency(*, actor: Any, agency_id: int, reason: str) -> int:
    """An agency's contract ended: its pending registrations lapse at once."""
    pending = Registration.objects.filter(agency_id=agency_id, status=RegistrationStatus.PENDING)
    return _expire(pending, now=timezone.now(), actor=actor, reason=reason[:200])
