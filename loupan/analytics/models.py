"""Analytics keeps one thing: the results of background segmentation runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SegmentRun(models.Model):
    """Purchase-intention segments computed in the background for one data scope.

    ``scope_key`` names the scope the run covered (``all``, ``sites:3,7`` or ``own:12``): a
    caller is only ever answered from a run of exactly their own scope.
    """

    scope_key = models.CharField(max_length=200)
    k_requested = models.PositiveSmallIntegerField(null=True, blank=True)
    k = models.PositiveSmallIntegerField(_("segments"))
    intentions = models.PositiveIntegerField(_("intentions"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    silhouette = models.FloatField(null=True, blank=True)
    segments = models.JSONField(default=list)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    seconds = models.FloatField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["scope_key", "k_requested", "-computed_at"], name="segrun_scope_idx")]

    def __str__(self) -> str:
        return f"{self.scope_key} k={self.k} {self.computed_at:%Y-%m-%d %H:%M}"
