"""Writes on work logs (工作日志): the salesperson's own notes on their day.

Everything else in a work log is computed from what happened (``loupan.sales.worklogs``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.errors import ValidationFailed
from loupan.core.policy import require

from ..models import WorkLogNote

MAX_NOTE = 4000


@transaction.atomic
def worklog_note_set(*, actor: Any, text: str, date: dt.date | None = None) -> WorkLogNote:
    """Write the actor's notes for their day. A day's notes are written on that day and are
    read-only afterwards (the log is a record); an empty text keeps an empty note."""
    require(actor, "worklog.write", actor)
    today = timezone.localdate()
    date = date or today
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if date != today:
        errors["date"] = [_("Only today's work log can be written.")]
    if len(text) > MAX_NOTE:
        errors["text"] = [_("At most %(n)d characters.") % {"n": MAX_NOTE}]
    if errors:
        raise ValidationFailed(errors)
    note, _created = WorkLogNote.objects.select_for_update().get_or_create(
        user=actor, date=date, defaults={"text": text}
    )
    if not _created and note.text != text:
        note.text = text
        note.save(update_fields=["text", "updated_at"])
    return note
