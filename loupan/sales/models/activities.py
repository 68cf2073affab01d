"""Sales activities: follow-ups with customers (跟进)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loupan.core.scoping import ScopedQuerySet

from ..choices import ActivityKind


class ActivityQuerySet(ScopedQuerySet):
    scope_prefix = "customer__"


class Activity(models.Model):
    """One follow-up: a call, visit, message... with an optional next action date."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="activities", verbose_name=_("customer")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activities", verbose_name=_("by")
    )
    kind = models.CharField(pgettext_lazy("follow-up", "kind"), max_length=10, choices=ActivityKind.choices)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True)
    next_action_at = models.DateTimeField(_("next action"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="act_customer_idx"),
            models.Index(fields=["user", "-occurred_at"], name="act_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"
