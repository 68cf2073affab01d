"""工作日志: a salesperson's own notes on their day; the rest of the log is computed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkLogNote(models.Model):
    """What a salesperson writes about their day (one note per person and day)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worklog_notes")
    date = models.DateField(_("date"))
    text = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("work log note")
        verbose_name_plural = _("work log notes")
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="worklog_note_one_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}"
