"""Template helpers of the customer pages: contact masking by policy, sort links, labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from loupan.core.masking import mask_phone
from loupan.core.policy import can

register = template.Library()

AUDIT_ACTIONS = {
    "create": _("Created"),
    "update": _("Updated"),
    "transfer": _("Transferred"),
    "release": _("Released to the pool"),
    "auto_release": _("Released to the pool (no follow-up)"),
    "offboard_release": _("Released to the pool (owner left)"),
    "claim": _("Claimed from the pool"),
    "follow_up": _("Followed up"),
    "export": _("Exported"),
    "erase": _("Erased"),
    "login": _("Logged in"),
    "login_failed": _("Failed login"),
    "denied": _("Refused"),
    "deactivate": _("Deactivated"),
}


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def phone_of(context: template.Context, customer: Any) -> str:
    """The customer's phone in full for the owner and managers in scope, else 138****1234."""
    if can(_user(context), "customer.view_contact", customer):
        return customer.phone
    return mask_phone(customer.phone)


@register.filter
def masked(phone: str | None) -> str:
    return mask_phone(phone)


@register.filter
def audit_action(code: str) -> str:
    return str(AUDIT_ACTIONS.get(code, code))


@register.simple_tag
def audit_action_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in AUDIT_ACTIONS.items()]


@register.simple_tag(takes_context=True)
def sort_link(context: template.Context, field: str, label: str) -> str:
    """A column header that sorts by ``field``, toggling to ``-field`` when it is current."""
    from loupan.customers.selectors import ORDERINGS

    request = context["request"]
    current = request.GET.get("ordering", "-created_at")
    if current == field and f"-{field}" in ORDERINGS:
        target, mark = f"-{field}", " ▲"
    elif current == f"-{field}":
        target, mark = field, " ▼"
    else:
        target, mark = field, ""
    params = request.GET.copy()
    params["ordering"] = target
    params.pop("page", None)
    return format_html('<a href="?{}" class="sort">{}{}</a>', params.urlencode(), label, mark)


@register.filter
def money(value: Any) -> str:
    """Amounts as a Chinese reader expects them: 1900000 -> "190万"; English: "1,900,000"."""
    from decimal import Decimal

    from django.utils.translation import get_language

    if value in (None, ""):
        return "…"
    amount = Decimal(value)
    if (get_language() or "").startswith("zh") and amount >= 10000:
        return f"{(amount / 10000).normalize():f}万"
    return f"{amount:,.0f}"
