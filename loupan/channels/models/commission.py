"""Commission settlement statements (佣金结算单) per agency and month, and referrals (老带新)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loupan.core.scoping import ScopedQuerySet

from ..choices import LineKind, RewardStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class CommissionStatement(models.Model):
    """An agency's commission for one month as issued to finance: a frozen copy of the lines
    computed from the contracts (``selectors.commission_lines``)."""

    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="commission_statements", verbose_name=_("agency")
    )
    month = models.DateField(_("month"))
    earned = models.DecimalField(_("earned"), **MONEY)
    reversed = models.DecimalField(_("reversed"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        ordering = ["-month", "agency"]
        verbose_name = _("commission statement")
        verbose_name_plural = _("commission statements")
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="one_statement_per_agency_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="statement_month_starts_on_day_1"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.month:%Y-%m}"


class CommissionLine(models.Model):
    """One contract's commission on a statement: earned when signed, reversed when cancelled."""

    statement = models.ForeignKey(CommissionStatement, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    contract = models.ForeignKey("sales.Contract", on_delete=models.PROTECT, related_name="commission_lines")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    agency_contract = models.ForeignKey(
        "channels.AgencyContract", on_delete=models.PROTECT, related_name="commission_lines"
    )
    at = models.DateTimeField(_("date"))
    contract_value = models.DecimalField(_("contract value"), **MONEY)
    rate_percent = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["statement", "at", "id"]
        verbose_name = _("commission line")
        verbose_name_plural = _("commission lines")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind"], name="one_commission_line_per_contract_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.contract_id}: {self.amount}"


class ReferralQuerySet(ScopedQuerySet):
    """A referral is visible exactly when the referred buyer is."""

    scope_prefix = "referred__"


class Referral(models.Model):
    """老带新: an owner (业主) brought a new buyer; the reward is tracked until granted."""

    referrer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referrer"),
    )
    referred = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("buyer")
    )
    contract = models.ForeignKey(
        "sales.Contract", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals",
        verbose_name=_("deal"),
    )  # fmt: skip
    reward = models.CharField(_("reward"), max_length=200, blank=True)
    reward_value = models.DecimalField(_("reward value"), null=True, blank=True, **MONEY)
    reward_status = models.CharField(
        _("reward status"), max_length=10, choices=RewardStatus.choices, default=RewardStatus.PENDING
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["referred"], name="one_referral_per_buyer"),
            models.CheckConstraint(condition=~Q(referrer=models.F("referred")), name="referral_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} -> {self.referred_id}"

    @property
    def site_id(self) -> int:
        return self.referred.site_id
