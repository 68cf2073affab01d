"""Monthly targets per person and site for the one KPI board."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loupan.core.scoping import ScopeKind, scope_for


class KpiTargetQuerySet(models.QuerySet):
    def visible_to(self, user) -> KpiTargetQuerySet:  # noqa: ANN001
        """Managers: the targets of the sites in their scope; everyone else: their own."""
        scope = scope_for(user)
        if scope.kind is ScopeKind.ALL:
            return self.all()
        if scope.kind is ScopeKind.SITES:
            return self.filter(site_id__in=sorted(scope.site_ids))
        if scope.kind is ScopeKind.OWN:
            return self.filter(user_id=user.pk)
        return self.none()


class KpiTarget(models.Model):
    """What one salesperson or agent should reach at one site in one month."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kpi_targets", verbose_name=_("user")
    )
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    month = models.DateField(_("month"), help_text="The first day of the month.")
    new_customers = models.PositiveIntegerField(_("new customers"), null=True, blank=True)
    visits = models.PositiveIntegerField(_("visits"), null=True, blank=True)
    subscriptions = models.PositiveIntegerField(_("subscriptions"), null=True, blank=True)
    contracts = models.PositiveIntegerField(_("contracts"), null=True, blank=True)
    contract_value = models.DecimalField(
        _("contract value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = KpiTargetQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "site", "user"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(fields=["site", "month", "user"], name="one_kpi_target_per_person_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="kpi_target_month_starts_on_day_1"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.site_id} {self.month:%Y-%m}"
