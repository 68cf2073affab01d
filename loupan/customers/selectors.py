"""Reads on customers, always through ``Customer.objects.visible_to``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from loupan.core.scoping import pool_part_q, scope_for
from loupan.core.search import prefix_q
from loupan.core.validators import InvalidValue, normalize_mobile

from .models import Customer

_DIGITS = re.compile(r"^\d+$")
_LATIN = re.compile(r"^[A-Za-z]+$")
ORDERINGS = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "last_touched_at": ("last_touched_at", "id"),
    "-last_touched_at": ("-last_touched_at", "-id"),
    "next_action_at": ("next_action_at", "id"),
}


def search_q(term: str) -> Q:
    """What ``?search=`` matches, every branch served by an index:
    11 digits: the full phone; 4 digits: the phone's last four; Latin letters: pinyin
    initials (prefix); anything else: the name (prefix, so 张 finds 张伟 and 张伟明)."""
    term = term.strip().replace(" ", "")
    if not term:
        return Q()
    try:  # a whole number, written as people write it: "+86 138-0000-1234"
        return Q(phone=normalize_mobile(term))
    except InvalidValue:
        pass
    if _DIGITS.match(term):
        if len(term) <= 4:
            return Q(phone_last4=term)
        # A phone prefix. Phones are 11 digits, so it is a closed range, which the plain
        # cust_phone_idx serves on PostgreSQL too (LIKE 'x%' would need pattern ops).
        return Q(phone__gte=term.ljust(11, "0"), phone__lte=term.ljust(11, "9"))
    if _LATIN.match(term):
        return prefix_q("name_initials", term.lower())
    return prefix_q("name", term)


def customer_queryset(user: Any) -> QuerySet[Customer]:
    """Every customer the user may see, with what lists and details display."""
    return (
        Customer.objects.visible_to(user)
        .select_related("owner", "site", "source")
        .prefetch_related("interests")
    )


def customer_list(
    *,
    user: Any,
    search: str = "",
    in_pool: bool | None = None,
    filters: dict[str, Any] | None = None,
    ordering: str = "-created_at",
) -> QuerySet[Customer]:
    """The scoped, filtered, ordered customer list.

    Salespeople and agents see the customers they own unless they ask for the pool
    (``in_pool=True``); managers see their whole scope, pool included.
    """
    qs = customer_queryset(user)
    if in_pool is None and not scope_for(user).is_manager:
        in_pool = False
    if in_pool is not None:
        qs = qs.filter(pool_part_q(user, in_pool))
    for field, value in (filters or {}).items():
        if value not in (None, "", []):
            qs = qs.filter(**{field: value})
    if search:
        qs = qs.filter(search_q(search))
    return qs.order_by(*ORDERINGS.get(ordering, ORDERINGS["-created_at"]))


def customers_to_follow_up(*, user: Any, on: dt.date | None = None) -> QuerySet[Customer]:
    """The user's own customers whose next action falls on or before ``on`` (today)."""
    on = on or timezone.localdate()
    end = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    return (
        customer_queryset(user)
        .filter(owner_id=user.pk, next_action_at__lt=end)
        .order_by("next_action_at", "id")
    )


def customers_about_to_pool(*, user: Any, warning_days: int = 3) -> list[Customer]:
    """The user's own customers that go to the pool within ``warning_days``, soonest first
    (not those an agency's protection period keeps with their agent beyond that)."""
    from loupan.channels.selectors import protected_customer_ids  # channels builds on customers

    from .services import RELEASABLE_STATUSES

    now = timezone.now()
    candidates = []
    owned = customer_queryset(user).filter(owner_id=user.pk, status__in=RELEASABLE_STATUSES)
    owned = owned.exclude(pk__in=protected_customer_ids(now + dt.timedelta(days=warning_days)))
    for site in _sites_of(user):
        for status in RELEASABLE_STATUSES:
            limit = dt.timedelta(days=site.pool_days_for(status) - warning_days)
            candidates.extend(owned.filter(site=site, status=status, last_touched_at__lt=now - limit)[:50])
    return sorted(candidates, key=lambda c: c.last_touched_at)[:50]


def _sites_of(user: Any):  # noqa: ANN202
    from loupan.org.models import Site

    return list(Site.objects.filter(staff=user, is_active=True))


# --- reads for the web pages (home counts, a customer's history) ----------------------------


def home_counts(*, user: Any) -> dict[str, int]:
    """Quick counts for the home page, all within the user's scope: the customers
    the user owns, follow-ups due by today, the pool of their sites, and (managers)
    every customer in scope and those registered today."""
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=1)
    visible = Customer.objects.visible_to(user)
    counts = {
        "mine": visible.filter(owner_id=user.pk).count(),
        "due_today": visible.filter(owner_id=user.pk, next_action_at__lt=end).count(),
        "pool": visible.filter(in_pool=True).count(),
    }
    if scope_for(user).is_manager:
        counts["in_scope"] = visible.count()
        counts["new_today"] = visible.filter(created_at__gte=start, created_at__lt=end).count()
    return counts


def customer_history(*, customer: Customer, limit: int = 10) -> list[Any]:
    """The latest audit events of a customer the caller can already see (newest first)."""
    from loupan.core.models import AuditEvent

    return list(
        AuditEvent.objects.filter(object_type="customer", object_id=customer.pk).order_by("-at", "-id")[
            :limit
        ]
    )
