"""Writes on the organisation: sites, agencies, users, and offboarding."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from loupan.core.audit import audit_record, diff, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import require
from loupan.core.scoping import forget_scope

from .choices import Role
from .models import Agency, Site, User

SITE_FIELDS = [
    "code", "name", "address", "project", "is_active", "pool_after_days", "pool_after_days_by_status",
    "pool_claims_per_day", "max_customers_per_user", "registration_visit_days", "registration_protection_days",
]  # fmt: skip
AGENCY_FIELDS = ["name", "contact_name", "contact_phone", "contract_start", "contract_end", "is_active"]
USER_FIELDS = ["username", "full_name", "email", "role", "agency", "mobile", "is_active", "on_duty"]


def _clean_site(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    by_status = data.get("pool_after_days_by_status")
    if by_status is not None:
        from loupan.customers.choices import CustomerStatus

        if not isinstance(by_status, dict) or any(
            k not in CustomerStatus.values or not isinstance(v, int) or v < 1 for k, v in by_status.items()
        ):
            errors["pool_after_days_by_status"] = [_('Give whole days per status, e.g. {"lead": 7}.')]
    for field in ("pool_after_days", "max_customers_per_user", "registration_visit_days"):
        if field in data and data[field] is not None and data[field] < 1:
            errors[field] = [_("At least 1.")]
    if errors:
        raise ValidationFailed(errors)
    return {k: v for k, v in data.items() if k in SITE_FIELDS}


@transaction.atomic
def site_create(*, actor: User, data: dict[str, Any]) -> Site:
    """Open a sales site (admins)."""
    require(actor, "org.manage")
    fields = _clean_site(data)
    if Site.objects.filter(code=fields.get("code")).exists():
        raise ValidationFailed({"code": [_("A site with this code already exists.")]})
    site = Site.objects.create(**fields)
    audit_record(actor=actor, action="create", obj=site, changes={k: [None, v] for k, v in fields.items()})
    return site


@transaction.atomic
def site_update(*, actor: User, site: Site, data: dict[str, Any]) -> Site:
    """Change a site's name or pool settings (admins); changes are audited."""
    require(actor, "org.manage")
    fields = _clean_site(data)
    if "code" in fields and Site.objects.filter(code=fields["code"]).exclude(pk=site.pk).exists():
        raise ValidationFailed({"code": [_("A site with this code already exists.")]})
    before = snapshot(site, SITE_FIELDS)
    for k, v in fields.items():
        setattr(site, k, v)
    site.save()
    if changes := diff(before, snapshot(site, SITE_FIELDS)):
        audit_record(actor=actor, action="update", obj=site, changes=changes)
    return site


def _clean_agency(data: dict[str, Any], instance: Agency | None = None) -> dict[str, Any]:
    start = data.get("contract_start", instance.contract_start if instance else None)
    end = data.get("contract_end", instance.contract_end if instance else None)
    if start and end and end < start:
        raise ValidationFailed({"contract_end": [_("The contract cannot end before it starts.")]})
    name = data.get("name")
    if name and Agency.objects.filter(name=name).exclude(pk=getattr(instance, "pk", None)).exists():
        raise ValidationFailed({"name": [_("An agency with this name already exists.")]})
    return {k: v for k, v in data.items() if k in AGENCY_FIELDS}


@transaction.atomic
def agency_create(*, actor: User, data: dict[str, Any]) -> Agency:
    """Register an agency under contract (admins)."""
    require(actor, "org.manage")
    agency = Agency.objects.create(**_clean_agency(data))
    audit_record(actor=actor, action="create", obj=agency, changes=diff({}, snapshot(agency, AGENCY_FIELDS)))
    if not agency.is_active:
        agency_deactivate(actor=actor, agency=agency)
    return agency


@transaction.atomic
def agency_update(*, actor: User, agency: Agency, data: dict[str, Any]) -> Agency:
    """Edit an agency; setting it inactive offboards its agents like ``agency_deactivate``."""
    require(actor, "org.manage")
    fields = _clean_agency(data, agency)
    before = snapshot(agency, AGENCY_FIELDS)
    deactivating = agency.is_active and fields.get("is_active") is False
    for k, v in fields.items():
        setattr(agency, k, v)
    agency.save()
    if changes := diff(before, snapshot(agency, AGENCY_FIELDS)):
        audit_record(actor=actor, action="update", obj=agency, changes=changes)
    if deactivating:
        agency_deactivate(actor=actor, agency=agency)
    return agency


@transaction.atomic
def agency_deactivate(*, actor: User, agency: Agency) -> dict[str, int]:
    """End an agency: every agent loses access at once (sessions and tokens), and their
    customers stay with the company, released to their sites' pools. Nothing is deleted."""
    require(actor, "org.manage")
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.is_active or agency.deactivated_at is None:
        agency.is_active = False
        agency.deactivated_at = timezone.now()
        if not agency.contract_end or agency.contract_end > timezone.localdate():
            agency.contract_end = max(timezone.localdate(), agency.contract_start)
        agency.save()
        audit_record(actor=actor, action="deactivate", obj=agency)
    released = 0
    for agent in agency.agents.filter(is_active=True):
        released += user_deactivate(actor=actor, user=agent)["released"]
    return {"released": released}


def _clean_user(data: dict[str, Any], instance: User | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    role = data.get("role", instance.role if instance else Role.SALES)
    agency = data.get("agency", instance.agency if instance else None)
    if role not in Role.values:
        errors["role"] = [_("Unknown role.")]
    if role == Role.AGENT and agency is None:
        errors["agency"] = [_("An agent must belong to an agency.")]
    if role != Role.AGENT and agency is not None:
        errors["agency"] = [_("Only agents belong to an agency.")]
    if agency is not None and not agency.is_active and data.get("is_active", True):
        errors["agency"] = [_("This agency is no longer active.")]
    username = data.get("username")
    if username and User.objects.filter(username=username).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["username"] = [_("This username is taken.")]
    if errors:
        raise ValidationFailed(errors)
    return {k: v for k, v in data.items() if k in USER_FIELDS}


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from None


@transaction.atomic
def user_create(*, actor: User, data: dict[str, Any], password: str, sites: list[Site] | None = None) -> User:
    """Create a user with one role, their sites and (agents) their agency (admins)."""
    require(actor, "org.manage")
    fields = _clean_user(data)
    if not fields.get("username"):
        raise ValidationFailed({"username": [_("A username is required.")]})
    user = User(**fields)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    if sites:
        user.sites.set(sites)
    audit_record(
        actor=actor,
        action="create",
        obj=user,
        changes={**diff({}, snapshot(user, USER_FIELDS)), "sites": [[], sorted(s.pk for s in sites or [])]},
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    data: dict[str, Any],
    password: str | None = None,
    sites: list[Site] | None = None,
) -> User:
    """Edit a user; turning ``is_active`` off offboards them like ``user_deactivate``."""
    require(actor, "org.manage")
    fields = _clean_user(data, user)
    deactivating = user.is_active and fields.get("is_active") is False
    if deactivating and user.pk == actor.pk:
        raise Conflict("cannot_deactivate_self", _("You cannot deactivate yourself."))
    before = snapshot(user, USER_FIELDS)
    for k, v in fields.items():
        setattr(user, k, v)
    if password:
        _check_password(password, user)
        user.set_password(password)
    if deactivating:
        user.is_active = True  # user_deactivate does the switch, with its side effects
    user.save()
    changes = diff(before, snapshot(user, USER_FIELDS))
    if sites is not None:
        old = sorted(user.sites.values_list("pk", flat=True))
        new = sorted(s.pk for s in sites)
        if old != new:
            user.sites.set(sites)
            changes["sites"] = [old, new]
    if password:
        changes["password"] = ["***", "***"]
        Token.objects.filter(user=user).delete()
    forget_scope(user)
    if changes:
        audit_record(actor=actor, action="update", obj=user, changes=changes)
    if deactivating:
        user_deactivate(actor=actor, user=user)
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User, hand_to: User | None = None) -> dict[str, int]:
    """Offboard a user: sessions and API tokens stop working at once, and their customers
    go to their sites' pools (or to ``hand_to``). Nothing is deleted."""
    from loupan.customers.services import customers_hand_over_all

    require(actor, "org.manage")
    if user.pk == actor.pk:
        raise Conflict("cannot_deactivate_self", _("You cannot deactivate yourself."))
    User.objects.filter(pk=user.pk).update(is_active=False, deactivated_at=timezone.now())
    user.is_active = False
    Token.objects.filter(user=user).delete()
    _end_sessions(user)
    released = customers_hand_over_all(actor=actor, user=user, to_user=hand_to)
    audit_record(actor=actor, action="deactivate", obj=user, changes={"is_active": [True, False]})
    return {"released": released}


def _end_sessions(user: User) -> None:
    """Delete the user's sessions. (An inactive user's session is refused anyway by
    Django's ModelBackend; deleting it also frees the storage.)"""
    from django.contrib.sessions.models import Session

    uid = str(user.pk)
    stale = [
        s.pk
        for s in Session.objects.filter(expire_date__gte=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == uid
    ]
    Session.objects.filter(pk__in=stale).delete()
