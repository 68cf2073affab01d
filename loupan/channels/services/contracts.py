"""Agency contracts: sign, renew and end. Ending a contract offboards the agency at once
(``loupan.org.services.agency_deactivate``: access gone, customers kept and released)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, diff, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import require
from loupan.org.models import Agency, Site, User

from ..choices import ContractStatus
from ..models import AgencyContract

AUDITED = ["agency", "start", "end", "rate_percent", "tiers", "status", "notes"]


def _rate(value: Any, field: str) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed({field: [_("Enter a percentage such as 1.50.")]}) from None
    if not rate.is_finite() or rate < 0 or rate > 100 or rate.quantize(Decimal("0.01")) != rate:
        raise ValidationFailed({field: [_("Enter a percentage between 0 and 100 with at most 2 decimals.")]})
    return rate.quantize(Decimal("0.01"))


def clean_tiers(tiers: Any) -> list[dict[str, Any]]:
    """``[{"min_contracts": int >= 0, "rate_percent": "x.xx"}]``, sorted, thresholds distinct."""
    if not tiers:
        return []
    if not isinstance(tiers, list):
        raise ValidationFailed({"tiers": [_("Give a list of tiers.")]})
    cleaned = []
    for tier in tiers:
        if not isinstance(tier, dict):
            raise ValidationFailed({"tiers": [_("Each tier needs min_contracts and rate_percent.")]})
        try:
            threshold = int(tier.get("min_contracts"))
        except (TypeError, ValueError):
            raise ValidationFailed(
                {"tiers": [_("Each tier needs min_contracts and rate_percent.")]}
            ) from None
        if threshold < 0:
            raise ValidationFailed({"tiers": [_("Thresholds cannot be negative.")]})
        cleaned.append(
            {"min_contracts": threshold, "rate_percent": str(_rate(tier.get("rate_percent"), "tiers"))}
        )
    cleaned.sort(key=lambda t: t["min_contracts"])
    if len({t["min_contracts"] for t in cleaned}) != len(cleaned):
        raise ValidationFailed({"tiers": [_("Two tiers have the same threshold.")]})
    return cleaned


def _check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start is None:
        raise ValidationFailed({"start": [_("This field is required.")]})
    if end is not None and end < start:
        raise ValidationFailed({"end": [_("The contract cannot end before it starts.")]})


def _sync_agency(actor: User, agency: Agency, start: dt.date | None, end: dt.date | None) -> None:
    """The agency's own contract dates follow its contracts (they decide agents' access)."""
    from loupan.org.services import agency_update

    data: dict[str, Any] = {"contract_end": end}
    if start is not None:
        data["contract_start"] = min(start, agency.contract_start)
    agency_update(actor=actor, agency=agency, data=data)


@transaction.atomic
def agency_contract_create(
    *, actor: User, agency: Agency, start: dt.date, end: dt.date | None, rate_percent: Any,
    sites: list[Site], tiers: Any = None, notes: str = "",
) -> AgencyContract:  # fmt: skip
    """Sign a contract with an active agency that has none active: period, commission terms
    and the sites its agents may sell at (admins)."""
    require(actor, "agency_contract.manage", None, _("Only administrators manage agency contracts."))
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if not agency.is_active:
        raise Conflict("agency_inactive", _("This agency is no longer active."))
    _check_period(start, end)
    rate = _rate(rate_percent, "rate_percent")
    cleaned_tiers = clean_tiers(tiers)
    if not sites:
        raise ValidationFailed({"sites": [_("Choose at least one site.")]})
    try:
        with transaction.atomic():
            contract = AgencyContract.objects.create(
                agency=agency, start=start, end=end, rate_percent=rate, tiers=cleaned_tiers,
                notes=(notes or "")[:200], created_by=actor,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(
            "contract_exists", _("This agency already has an active contract; renew it.")
        ) from None
    contract.sites.set(sites)
    audit_record(
        actor=actor, action="create", obj=contract,
        changes={**diff({}, snapshot(contract, AUDITED)), "sites": [[], sorted(s.pk for s in sites)]},
    )  # fmt: skip
    _sync_agency(actor, agency, start, end)
    return contract


@transaction.atomic
def agency_contract_renew(
    *, actor: User, contract: AgencyContract, end: dt.date | None, rate_percent: Any = None,
    tiers: Any = None, sites: list[Site] | None = None,
) -> AgencyContract:  # fmt: skip
    """Renew an active contract: the next period starts the day after it ends, with the same
    terms unless new ones are given. The old contract is kept as ``renewed``."""
    require(actor, "agency_contract.manage", None, _("Only administrators manage agency contracts."))
    old = AgencyContract.objects.select_for_update(of=("self",)).select_related("agency").get(pk=contract.pk)
    if old.status != ContractStatus.ACTIVE:
        raise Conflict("contract_not_active", _("Only an active contract can be renewed."))
    if old.end is None:
        raise ValidationFailed({"end": [_("An open-ended contract needs no renewal.")]})
    start = old.end + dt.timedelta(days=1)
    _check_period(start, end)
    rate = _rate(rate_percent, "rate_percent") if rate_percent not in (None, "") else old.rate_percent
    new_tiers = clean_tiers(tiers) if tiers is not None else old.tiers
    new_sites = list(sites) if sites else list(old.sites.all())
    before = snapshot(old, AUDITED)
    old.status = ContractStatus.RENEWED
    old.save(update_fields=["status"])
    audit_record(actor=actor, action="renew", obj=old, changes=diff(before, snapshot(old, AUDITED)))
    new = AgencyContract.objects.create(
        agency=old.agency, start=start, end=end, rate_percent=rate, tiers=new_tiers, previous=old,
        notes=old.notes, created_by=actor,
    )  # fmt: skip
    new.sites.set(new_sites)
    audit_record(
        actor=actor, action="create", obj=new,
        changes={**diff({}, snapshot(new, AUDITED)), "sites": [[], sorted(s.pk for s in new_sites)]},
        detail={"renews": old.pk},
    )  # fmt: skip
    _sync_agency(actor, old.agency, None, end)
    return new


@transaction.atomic
def agency_contract_end(*, actor: User, contract: AgencyContract, reason: str = "") -> dict[str, int]:
    """End an agency's contract today: every agent is offboarded at once (sessions and tokens
    end, their customers stay with the company, released to the sites' pools) and the
    agency's pending registrations lapse. Returns ``{"released", "registrations"}``."""
    from loupan.org.services import agency_deactivate

    from .registrations import registrations_close_for_agency

    require(actor, "agency_contract.manage", None, _("Only administrators manage agency contracts."))
    locked = (
        AgencyContract.objects.select_for_update(of=("self",)).select_related("agency").get(pk=contract.pk)
    )
    if locked.status != ContractStatus.ACTIVE:
        raise Conflict("contract_not_active", _("This contract is not active."))
    before = snapshot(locked, AUDITED)
    today = timezone.localdate()
    locked.status = ContractStatus.ENDED
    locked.ended_at = timezone.now()
    if locked.end is None or locked.end > today:
        locked.end = max(today, locked.start)
    locked.save()
    audit_record(
        actor=actor, action="end", obj=locked, changes=diff(before, snapshot(locked, AUDITED)),
        detail={"reason": (reason or "")[:200]},
    )  # fmt: skip
    closed = registrations_close_for_agency(
        actor=actor, agency_id=locked.agency_id, reason=_("The agency's contract ended.")
    )
    released = agency_deactivate(actor=actor, agency=locked.agency)["released"]
    return {"released": released, "registrations": closed}
