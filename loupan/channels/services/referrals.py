"""老带新 referrals: an owner brings a new buyer; recorded on the buyer's deal; reward tracked."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, diff, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import require
from loupan.core.validators import InvalidValue, normalize_mobile
from loupan.customers.choices import CustomerStatus
from loupan.customers.models import Customer
from loupan.org.models import User
from loupan.sales.choices import ContractStatus
from loupan.sales.models import Contract

from ..choices import RewardStatus
from ..models import Referral

AUDITED = ["referrer", "referred", "contract", "reward", "reward_value", "reward_status", "notes"]


def _live_contract(customer: Customer) -> Contract | None:
    return (
        Contract.objects.filter(customer=customer, status=ContractStatus.ACTIVE)
        .order_by("-signed_at", "-id")
        .first()
    )


@transaction.atomic
def referral_create(
    *, actor: User, referred: Customer, referrer_phone: str, reward: str = "", reward_value: Any = None,
    notes: str = "",
) -> Referral:  # fmt: skip
    """Record that an owner (业主, found by phone anywhere in the company) referred a buyer the
    actor owns or manages. The buyer's live contract, if any, is recorded as the deal."""
    require(
        actor, "referral.create", referred, _("Only the buyer's owner or a manager can record a referral.")
    )
    try:
        phone = normalize_mobile(referrer_phone)
    except InvalidValue as exc:
        raise ValidationFailed({"referrer_phone": [str(exc)]}) from None
    referrer = (
        Customer.objects.filter(phone=phone, status=CustomerStatus.OWNER)
        .exclude(pk=referred.pk)
        .order_by("id")
        .first()
    )
    if referrer is None:
        raise ValidationFailed({"referrer_phone": [_("No owner (业主) has this phone number.")]})
    value = None
    if reward_value not in (None, ""):
        try:
            value = Decimal(str(reward_value))
        except InvalidOperation:
            raise ValidationFailed({"reward_value": [_("Enter an amount such as 5000.00.")]}) from None
        if value < 0 or value.quantize(Decimal("0.01")) != value:
            raise ValidationFailed({"reward_value": [_("Enter an amount such as 5000.00.")]})
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                referrer=referrer, referred=referred, contract=_live_contract(referred), reward=(reward or "")[:200],
                reward_value=value, notes=(notes or "")[:200], created_by=actor,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict("already_referred", _("A referral is already recorded for this buyer.")) from None
    audit_record(actor=actor, action="create", obj=referral, changes=diff({}, snapshot(referral, AUDITED)))
    return referral


@transaction.atomic
def referral_record_deal(*, actor: User, referral: Referral) -> Referral:
    """Record the buyer's live contract on the referral (after the buyer signed)."""
    require(
        actor, "referral.create", referral.referred, _("Only the buyer's owner or a manager can do this.")
    )
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    contract = _live_contract(locked.referred)
    if contract is None:
        raise Conflict("no_deal", _("The buyer has no signed contract yet."))
    before = snapshot(locked, AUDITED)
    locked.contract = contract
    locked.save(update_fields=["contract"])
    audit_record(actor=actor, action="update", obj=locked, changes=diff(before, snapshot(locked, AUDITED)))
    return locked


@transaction.atomic
def referral_reward_grant(*, actor: User, referral: Referral) -> Referral:
    """Managers grant the referrer's reward once the buyer's contract is signed and active."""
    require(actor, "referral.reward", referral, _("Only managers of the buyer's site grant rewards."))
    locked = Referral.objects.select_for_update(of=("self",)).select_related("contract").get(pk=referral.pk)
    if locked.reward_status != RewardStatus.PENDING:
        raise Conflict("reward_not_pending", _("This reward is no longer pending."))
    if locked.contract is None or locked.contract.status != ContractStatus.ACTIVE:
        raise Conflict("no_deal", _("The buyer has no signed contract yet."))
    before = snapshot(locked, AUDITED)
    locked.reward_status = RewardStatus.GRANTED
    locked.granted_by = actor
    locked.granted_at = timezone.now()
    locked.save()
    audit_record(actor=actor, action="grant", obj=locked, changes=diff(before, snapshot(locked, AUDITED)))
    return locked


@transaction.atomic
def referral_reward_cancel(*, actor: User, referral: Referral) -> Referral:
    """Managers cancel a pending reward (the deal fell through)."""
    require(actor, "referral.reward", referral, _("Only managers of the buyer's site grant rewards."))
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.reward_status != RewardStatus.PENDING:
        raise Conflict("reward_not_pending", _("This reward is no longer pending."))
    before = snapshot(locked, AUDITED)
    locked.reward_status = RewardStatus.CANCELLED
    locked.save(update_fields=["reward_status"])
    audit_record(actor=actor, action="cancel", obj=locked, changes=diff(before, snapshot(locked, AUDITED)))
    return locked
