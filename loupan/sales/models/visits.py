"""来访登记 walk-in registration and 接待轮序 the reception rotation of a site.

A site's rotation is an ordered list of salespeople (``ReceptionSlot``) and one row per
site (``ReceptionQueue``) that remembers who received the last walk-in. Registering a
visit locks that row, so two receptionists registering at the same moment take turns
instead of handing both visitors to the same salesperson.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loupan.core.scoping import ScopedQuerySet

from ..choices import VisitAssignment, VisitKind


class ReceptionQueue(models.Model):
    """The rotation's pointer at one site: the position (and person) served last."""

    site = models.OneToOneField("org.Site", on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_position = models.PositiveIntegerField(default=0)
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reception rotation")
        verbose_name_plural = _("reception rotations")

    def __str__(self) -> str:
        return f"{self.site_id}: {self.last_position}"


class ReceptionSlot(models.Model):
    """One salesperson's place in a site's reception rotation (ordered by ``position``)."""

    site = models.ForeignKey("org.Site", on_delete=models.CASCADE, related_name="reception_slots")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reception_slots"
    )
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["site", "position", "id"]
        verbose_name = _("place in the reception rotation")
        verbose_name_plural = _("places in the reception rotation")
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="reception_slot_unique_user"),
            models.UniqueConstraint(fields=["site", "position"], name="reception_slot_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} #{self.position}: {self.user_id}"


class VisitQuerySet(ScopedQuerySet):
    """Visits follow their customer's visibility."""

    scope_prefix = "customer__"


class Visit(models.Model):
    """One walk-in at a site: who came, who registered them, who received them and why."""

    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, related_name="visits", verbose_name=_("site")
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="visits", verbose_name=_("customer")
    )
    kind = models.CharField(pgettext_lazy("visit", "kind"), max_length=10, choices=VisitKind.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="received_visits",
        verbose_name=_("received by"),
    )  # fmt: skip
    assignment = models.CharField(_("assigned by"), max_length=10, choices=VisitAssignment.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    activity = models.OneToOneField(
        "sales.Activity", on_delete=models.PROTECT, related_name="visit", verbose_name=_("follow-up")
    )
    new_customer = models.BooleanField(_("new customer"), default=False)
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    notes = models.CharField(_("first impressions"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("arrived"), default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(condition=Q(party_size__gte=1), name="visit_party_size_positive"),
        ]
        indexes = [
            models.Index(fields=["site", "-occurred_at"], name="visit_site_idx"),
            models.Index(fields=["customer", "-occurred_at"], name="visit_customer_idx"),
            models.Index(fields=["assigned_to", "-occurred_at"], name="visit_assigned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"
