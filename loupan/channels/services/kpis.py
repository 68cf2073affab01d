"""Monthly KPI targets per person (set by the managers of the site)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, diff, snapshot
from loupan.core.errors import ValidationFailed
from loupan.core.policy import require
from loupan.org.models import Site, User

from ..models import KpiTarget

FIELDS = ("new_customers", "visits", "subscriptions", "contracts", "contract_value")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in FIELDS:
        raw = values.get(name)
        if raw in (None, ""):
            cleaned[name] = None
            continue
        try:
            number = Decimal(str(raw)) if name == "contract_value" else int(raw)
        except (InvalidOperation, TypeError, ValueError):
            errors[name] = [_("Enter a number.")]
            continue
        if number < 0 or (name == "contract_value" and number.quantize(Decimal("0.01")) != number):
            errors[name] = [_("Enter a number of zero or more (at most 2 decimals).")]
            continue
        cleaned[name] = number
    if errors:
        raise ValidationFailed(errors)
    return cleaned


@transaction.atomic
def kpi_target_set(
    *, actor: User, user: User, site: Site, month: dt.date, values: dict[str, Any]
) -> KpiTarget:
    """Set (or replace) one person's targets at a site for a month: managers of the site,
    for the salespeople and agents who work there. Empty values mean no target."""
    require(actor, "kpi.target", site, _("Only managers of this site set targets."))
    if not user.is_frontline or not user.sites.filter(pk=site.pk).exists():
        raise ValidationFailed(
            {"user": [_("%(name)s does not work at this site.") % {"name": user.display_name}]}
        )
    cleaned = _clean(values)
    target, created = KpiTarget.objects.select_for_update().get_or_create(
        user=user, site=site, month=month.replace(day=1), defaults={**cleaned, "set_by": actor}
    )
    fields = list(FIELDS)
    before = {} if created else snapshot(target, fields)
    for name, value in cleaned.items():
        setattr(target, name, value)
    target.set_by = actor
    target.updated_at = timezone.now()
    target.save()
    if changes := diff(before, snapshot(target, fields)):
        audit_record(actor=actor, action="create" if created else "update", obj=target, changes=changes)
    return target
