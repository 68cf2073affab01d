"""Reads on registrations and the protection they give."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.errors import Conflict
from loupan.core.masking import mask_phone
from loupan.customers.models import Customer
from loupan.org.models import Site

from ..choices import ContractStatus, RegistrationStatus
from ..models import AgencyContract, Registration


def live_contract(agency_id: int, day: dt.date | None = None) -> AgencyContract | None:
    """The agency's active contract covering ``day`` (today), if any."""
    day = day or timezone.localdate()
    return (
        AgencyContract.objects.filter(agency_id=agency_id, status=ContractStatus.ACTIVE, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .first()
    )


def registration_sites(agent: Any) -> QuerySet[Site]:
    """Where an agent may register prospects: the active sites they work at, narrowed to the
    sites of their agency's live contract when the agency has contracts on record."""
    sites = Site.objects.filter(staff=agent, is_active=True)
    if agent.agency_id is None:
        return sites.none()
    if AgencyContract.objects.filter(agency_id=agent.agency_id).exists():
        contract = live_contract(agent.agency_id)
        if contract is None:
            return sites.none()
        sites = sites.filter(agency_contracts=contract)
    return sites.order_by("code")


def protection_conflict(*, site: Site, phone: str, now: dt.datetime | None = None) -> Conflict | None:
    """409 ``already_protected`` when ``phone`` is protected at ``site``: a customer someone
    owns there, or a live registration. Names nothing but the masked phone."""
    now = now or timezone.now()
    owned = Customer.objects.filter(site=site, phone=phone, in_pool=False).exists()
    if owned or Registration.objects.filter(site=site, phone=phone).live(now).exists():
        return Conflict(
            "already_protected",
            _("This phone (%(phone)s) is already protected at this site; it cannot be registered now.")
            % {"phone": mask_phone(phone)},
            phone=mask_phone(phone),
        )
    return None


def registration_conflict(*, site: Site, phone: str) -> Conflict | None:
    """For a new customer at a site: 409 ``already_protected`` while an agency registration
    of the phone is live there (the customers API's duplicate check calls this)."""
    if Registration.objects.filter(site=site, phone=phone).live().exists():
        return Conflict(
            "already_protected",
            _("An agency registered this phone (%(phone)s) at this site; it is protected until the visit.")
            % {"phone": mask_phone(phone)},
            phone=mask_phone(phone),
        )
    return None


def protected_customer_ids(now: dt.datetime | None = None) -> QuerySet:
    """Customers an agent brought whose protection period after the visit still runs (the
    nightly pool release leaves them with the agent), as a subquery of ids."""
    return Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED, protected_until__gt=now or timezone.now(), customer__isnull=False
    ).values("customer_id")


def registration_list(
    *, user: Any, status: str = "", site: Site | None = None, search: str = ""
) -> QuerySet[Registration]:
    """Registrations in the user's scope, newest first, with what the list displays."""
    qs = Registration.objects.visible_to(user).select_related("site", "agent", "agency", "customer")
    if status:
        qs = qs.filter(status=status)
    if site is not None:
        qs = qs.filter(site=site)
    term = (search or "").strip()
    if term.isdigit() and len(term) == 4:
        qs = qs.filter(phone_last4=term)
    elif term.isdigit() and len(term) == 11:
        qs = qs.filter(phone=term)
    elif term:
        qs = qs.filter(customer_name__startswith=term)
    return qs.order_by("-created_at", "-id")
