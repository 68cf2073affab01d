"""渠道报备: an agent registers a prospect at a site before bringing them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loupan.core.scoping import ScopeKind, scope_for

from ..choices import RegistrationStatus


class RegistrationQuerySet(models.QuerySet):
    def visible_to(self, user) -> RegistrationQuerySet:  # noqa: ANN001
        """Managers: the registrations of the sites in their scope. Agents: their own.
        In-house salespeople: those of their sites (to confirm visits; phones masked).
        Anyone else: nothing."""
        scope = scope_for(user)
        if scope.kind is ScopeKind.ALL:
            return self.all()
        if scope.kind is ScopeKind.SITES:
            return self.filter(site_id__in=sorted(scope.site_ids))
        if scope.kind is ScopeKind.OWN:
            if user.role == "agent":
                return self.filter(agent_id=user.pk)
            return self.filter(site_id__in=sorted(scope.site_ids))
        return self.none()

    def live(self, now=None) -> RegistrationQuerySet:  # noqa: ANN001
        """Pending registrations still within their deadline to bring the customer."""
        return self.filter(status=RegistrationStatus.PENDING, protected_until__gt=now or timezone.now())


class Registration(models.Model):
    """A prospect registered by an agent. Pending until the site confirms the visit (the
    customer is then created or attached, owned by the agent), or until it lapses."""

    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("agency")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("agent"),
    )
    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("site")
    )
    customer_name = models.CharField(_("customer name"), max_length=60)
    phone = models.CharField(_("mobile phone"), max_length=11)
    phone_last4 = models.CharField(max_length=4, editable=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    protected_until = models.DateTimeField(_("protected until"))
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="registrations"
    )
    confirmed_at = models.DateTimeField(_("visit confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attached = models.BooleanField(default=False, help_text="The visit attached an existing pool customer.")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "phone"],
                condition=Q(status="pending"),
                name="one_pending_registration_per_phone",
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "-created_at"], name="reg_agent_idx"),
            models.Index(fields=["site", "-created_at"], name="reg_site_idx"),
            models.Index(fields=["status", "protected_until"], name="reg_status_until_idx"),
            models.Index(fields=["phone_last4"], name="reg_last4_idx"),
            models.Index(fields=["agent", "confirmed_at"], name="reg_agent_confirmed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_name} @ {self.site_id}"
