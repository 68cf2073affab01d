"""Agency contracts: the period, the commission terms and the sites an agency may sell at."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ContractStatus


class AgencyContract(models.Model):
    """One contract period of an agency. Renewing writes the next period as a new row (the
    old one becomes ``renewed``); ending it offboards the agency's agents.

    Commission: ``rate_percent`` of the contract value of each sales contract its agents
    bring, or, when ``tiers`` are given, the rate of the highest tier the agency's volume
    in a month reaches: ``[{"min_contracts": 0, "rate_percent": "1.00"},
    {"min_contracts": 10, "rate_percent": "1.50"}]`` (the rate applies to the whole month).
    """

    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("agency")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    rate_percent = models.DecimalField(
        _("commission rate (%)"), max_digits=5, decimal_places=2, default=Decimal("0.00")
    )
    tiers = models.JSONField(_("commission tiers"), default=list, blank=True)
    sites = models.ManyToManyField("org.Site", related_name="agency_contracts", verbose_name=_("sites"))
    status = models.CharField(
        _("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal"
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["agency", "-start", "-id"]
        verbose_name = _("agency contract")
        verbose_name_plural = _("agency contracts")
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=Q(status="active"), name="one_active_contract_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="agency_contract_ordered"
            ),
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0) & Q(rate_percent__lte=100), name="agency_contract_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.start:%Y-%m-%d}–{self.end or ''}"

    def covers(self, day) -> bool:  # noqa: ANN001
        return self.start <= day and (self.end is None or day <= self.end)
