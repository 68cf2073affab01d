"""Reads on referrals (老带新) for other apps' pages: what they may show, nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse

from loupan.core.masking import mask_phone

from ..models import Referral


@dataclass(frozen=True)
class BuyerReferral:
    """The referral of a buyer as a deal page shows it: the referring owner by name and masked
    phone (they may be another site's customer), the reward and its status, the contract the
    referral is recorded on (None: not yet), and where referrals are managed."""

    referrer_name: str
    referrer_phone: str
    reward: str
    reward_value: Decimal | None
    reward_status: str
    reward_status_label: str
    contract_id: int | None
    created_at: Any
    list_url: str


def buyer_referral(*, user: Any, customer: Any) -> BuyerReferral | None:
    """The referral that brought ``customer`` (a buyer), if there is one and ``user`` may see
    it (``Referral.objects.visible_to``: exactly when the buyer is visible). One query."""
    referral = (
        Referral.objects.visible_to(user)
        .filter(referred_id=getattr(customer, "pk", customer))
        .select_related("referrer")
        .first()
    )
    if referral is None:
        return None
    return BuyerReferral(
        referrer_name=referral.referrer.name,
        referrer_phone=mask_phone(referral.referrer.phone),
        reward=referral.reward,
        reward_value=referral.reward_value,
        reward_status=referral.reward_status,
        reward_status_label=str(referral.get_reward_status_display()),
        contract_id=referral.contract_id,
        created_at=referral.created_at,
        list_url=reverse("channels:referrals"),
    )
