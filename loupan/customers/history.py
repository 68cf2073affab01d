"""A customer's change history made readable: field labels, choice names, masked contacts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from loupan.core.masking import mask_id_number, mask_phone
from loupan.core.policy import can
from loupan.org.models import User

from . import selectors
from .models import Customer, SourceChannel


def history_rows(*, user: Any, customer: Customer) -> list[dict[str, Any]]:
    """Recent changes as (field label, old, new); contact data masked as on the page."""
    events = selectors.customer_history(customer=customer)
    show_contact = can(user, "customer.view_contact", customer)
    user_ids = {
        v
        for e in events
        for field, change in (e.changes or {}).items()
        if field in ("owner", "credited_to") and isinstance(change, list)
        for v in change
        if isinstance(v, int)
    }
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    sources = dict(SourceChannel.objects.values_list("code", "name")) if events else {}
    rows = []
    for event in events:
        changes = []
        if event.action == "create":
            rows.append({"event": event, "changes": changes})
            continue
        for field, change in (event.changes or {}).items():
            if not isinstance(change, list) or len(change) != 2:
                continue
            old, new = change
            if field in ("phone", "id_number") and not show_contact:
                mask = mask_id_number if field == "id_number" else _mask_phone
                old, new = mask(old), mask(new)
            elif field == "owner":
                old, new = names.get(old, old or _("public pool")), names.get(new, new or _("public pool"))
            elif field == "source":
                old, new = sources.get(old, old), sources.get(new, new)
            changes.append(
                {"label": _field_label(field), "old": _display(field, old), "new": _display(field, new)}
            )
        rows.append({"event": event, "changes": changes})
    return rows


def _mask_phone(value: Any) -> str:
    return mask_phone(value) if isinstance(value, str) else ""


def _field_label(name: str) -> str:
    try:
        return str(Customer._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field that no longer exists keeps its name
        return name


def _display(name: str, value: Any) -> Any:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    try:
        field = Customer._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return value
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value
