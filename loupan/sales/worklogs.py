"""Reads of work logs (工作日志): what a salesperson did on a day, computed from the records.

A day's log counts, for one person and one local day (Asia/Shanghai): calls, visits (first
visits and revisits), follow-ups (every activity), new customers (credited to them and
registered that day), subscriptions and contracts they entered; plus their own notes.
Like every report it is computed over the reader's data scope: the person must be visible
to the reader (``User.objects.visible_to``: a salesperson reads only their own log, a site
manager the staff of their sites) and only records of customers the reader may see count.
Counts are aggregated in the database; every read takes a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DateField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.errors import NotFound, ValidationFailed
from loupan.customers.models import Customer
from loupan.org.choices import FRONTLINE_ROLES
from loupan.org.models import User

from .choices import ActivityKind
from .models import Activity, Contract, Subscription, WorkLogNote

COUNTS = ("calls", "visits", "revisits", "follow_ups", "new_customers", "subscriptions", "contracts")
ENTRY_LIMIT = 500
MAX_RANGE_DAYS = 92
_ACTIVITY_COUNTS = {
    "calls": Count("id", filter=Q(kind=ActivityKind.CALL)),
    "visits": Count("id", filter=Q(kind__in=[ActivityKind.VISIT, ActivityKind.REVISIT])),
    "revisits": Count("id", filter=Q(kind=ActivityKind.REVISIT)),
    "follow_ups": Count("id"),
}


def day_bounds(start: dt.date, end: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Aware local midnight of ``start`` and of the day after ``end`` (default: ``start``)."""
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    last = dt.datetime.combine((end or start) + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, last


def parse_date(value: str | None, field_name: str = "date", default: dt.date | None = None) -> dt.date:
    """``YYYY-MM-DD`` from a query string; empty: ``default`` (today)."""
    if not value:
        return default or timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({field_name: [_("Enter a date as YYYY-MM-DD.")]}) from None


def worklog_user(*, reader: Any, user_id: Any) -> User:
    """The person whose log ``reader`` asks for; NotFound when missing or out of scope.
    No id: the reader themselves."""
    if user_id in (None, ""):
        user_id = reader.pk
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such user.")) from None
    found = User.objects.visible_to(reader).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such user."))
    return found


# --- the record sources, each scoped to the reader ----------------------------------------------


def _activities(reader: Any, start: dt.datetime, end: dt.datetime) -> QuerySet[Activity]:
    return Activity.objects.visible_to(reader).filter(occurred_at__gte=start, occurred_at__lt=end)


def _customers(reader: Any, start: dt.datetime, end: dt.datetime) -> QuerySet[Customer]:
    return Customer.objects.visible_to(reader).filter(created_at__gte=start, created_at__lt=end)


def _subscriptions(reader: Any, start: dt.datetime, end: dt.datetime) -> QuerySet[Subscription]:
    return Subscription.objects.visible_to(reader).filter(created_at__gte=start, created_at__lt=end)


def _contracts(reader: Any, start: dt.datetime, end: dt.datetime) -> QuerySet[Contract]:
    return Contract.objects.visible_to(reader).filter(created_at__gte=start, created_at__lt=end)


def _empty() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


# --- one person, one day -------------------------------------------------------------------------


@dataclass
class WorkLog:
    user: User
    date: dt.date
    counts: dict[str, int]
    entries: list[dict[str, Any]] = field(default_factory=list)
    note: WorkLogNote | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "user": self.user.pk,
            "user_name": self.user.display_name,
            "date": self.date.isoformat(),
            **self.counts,
            "notes": self.note.text if self.note else "",
            "notes_updated_at": _iso(self.note.updated_at) if self.note else None,
            "entries": [
                {
                    **e,
                    "at": _iso(e["at"]),
                    **({"next_action_at": _iso(e["next_action_at"])} if "next_action_at" in e else {}),
                }
                for e in self.entries
            ],
        }


def _iso(value: dt.datetime | None) -> str | None:
    """A datetime as ISO 8601 with the local offset, as the API writes them (+08:00)."""
    return timezone.localtime(value).isoformat() if value else None


def worklog_day(*, reader: Any, user: User, date: dt.date) -> WorkLog:
    """One person's log of one day (``user`` comes from :func:`worklog_user`): 9 queries."""
    start, end = day_bounds(date)
    counts = _empty()
    activities = _activities(reader, start, end).filter(user=user)
    counts.update(activities.aggregate(**_ACTIVITY_COUNTS))
    customers = _customers(reader, start, end).filter(credited_to=user)
    subscriptions = _subscriptions(reader, start, end).filter(created_by=user)
    contracts = _contracts(reader, start, end).filter(created_by=user)
    counts["new_customers"] = customers.count()
    counts["subscriptions"] = subscriptions.count()
    counts["contracts"] = contracts.count()
    entries = [
        _entry(a.occurred_at, "activity", a.kind, a.get_kind_display(), a.customer, a.pk, a.notes,
               next_action_at=a.next_action_at)
        for a in activities.select_related("customer").order_by("occurred_at", "id")[:ENTRY_LIMIT]
    ]  # fmt: skip
    entries += [
        _entry(c.created_at, "customer", "new_customer", _("New customer"), c, c.pk, "")
        for c in customers.order_by("created_at", "id")[:ENTRY_LIMIT]
    ]
    entries += [
        _entry(s.created_at, "subscription", s.status, _("Subscription"), s.customer, s.pk,
               f"{s.unit.building.name} {s.unit.number}", amount=f"{s.price:.2f}")
        for s in subscriptions.select_related("customer", "unit__building").order_by("created_at", "id")[:ENTRY_LIMIT]
    ]  # fmt: skip
    entries += [
        _entry(c.created_at, "contract", c.status, _("Sales contract"), c.customer, c.pk,
               f"{c.unit.building.name} {c.unit.number}", amount=f"{c.price:.2f}")
        for c in contracts.select_related("customer", "unit__building").order_by("created_at", "id")[:ENTRY_LIMIT]
    ]  # fmt: skip
    entries.sort(key=lambda e: (e["at"], e["type"], e["id"]))
    note = WorkLogNote.objects.filter(user=user, date=date).first()
    return WorkLog(user=user, date=date, counts=counts, entries=entries, note=note)


def _entry(at: dt.datetime, type_: str, kind: str, label: str, customer: Customer, pk: int, notes: str,
           **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"at": at, "type": type_, "kind": kind, "label": str(label), "id": pk, "customer": customer.pk,
            "customer_name": customer.name, "notes": notes, **extra}  # fmt: skip


# --- one person, a range of days -----------------------------------------------------------------


def check_range(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise ValidationFailed({"date_to": [_("The end comes before the start.")]})
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise ValidationFailed({"date_to": [_("At most %(n)d days at a time.") % {"n": MAX_RANGE_DAYS}]})


class LocalDate(Func):
    """The local (current time zone) date of a datetime with the database's own functions:
    Django's ``TruncDate`` calls a Python function per row on SQLite. The zone's offset is
    taken now: Asia/Shanghai has no daylight saving."""

    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        minutes = int(timezone.localtime().utcoffset().total_seconds() // 60)
        return f"date({sql}, '{minutes:+d} minutes')", params

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:  # PostgreSQL
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", [*params, timezone.get_current_timezone_name()]


def _per_day(qs: QuerySet, stamp: str, **aggregates: Any) -> dict[dt.date, dict[str, int]]:
    rows = qs.annotate(day=LocalDate(stamp)).values("day").annotate(**aggregates).order_by("day")
    return {_as_date(r.pop("day")): r for r in rows}


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def worklog_range(*, reader: Any, user: User, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """One row of counts per day from ``date_from`` to ``date_to`` and their totals: 5 queries."""
    check_range(date_from, date_to)
    start, end = day_bounds(date_from, date_to)
    sources = [
        _per_day(_activities(reader, start, end).filter(user=user), "occurred_at", **_ACTIVITY_COUNTS),
        _per_day(_customers(reader, start, end).filter(credited_to=user), "created_at", new_customers=Count("id")),
        _per_day(_subscriptions(reader, start, end).filter(created_by=user), "created_at", subscriptions=Count("id")),
        _per_day(_contracts(reader, start, end).filter(created_by=user), "created_at", contracts=Count("id")),
    ]  # fmt: skip
    noted = set(WorkLogNote.objects.filter(user=user, date__range=(date_from, date_to)).exclude(text="")
                .values_list("date", flat=True))  # fmt: skip
    days, totals = [], _empty()
    day = date_from
    while day <= date_to:
        row = _empty()
        for source in sources:
            row.update(source.get(day, {}))
        for key in COUNTS:
            totals[key] += row[key]
        days.append({"date": day.isoformat(), **row, "has_notes": day in noted})
        day += dt.timedelta(days=1)
    return {"user": user.pk, "user_name": user.display_name, "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(), "totals": totals, "days": days}  # fmt: skip


# --- a team, one day ----------------------------------------------------------------------------


def worklog_team_users(*, reader: Any, site: Any = None) -> QuerySet[User]:
    """The salespeople and agents whose logs the reader may read (optionally of one site)."""
    qs = User.objects.visible_to(reader).filter(role__in=FRONTLINE_ROLES, is_active=True)
    if site is not None:
        qs = qs.filter(sites=site)
    return qs.order_by("full_name", "username", "id")


def worklog_team(*, reader: Any, users: list[User], date: dt.date) -> list[dict[str, Any]]:
    """The day's counts for each of ``users`` (a page of :func:`worklog_team_users`): 5 queries."""
    start, end = day_bounds(date)
    ids = [u.pk for u in users]

    def per_user(qs: QuerySet, by: str, **aggregates: Any) -> dict[int, dict[str, int]]:
        rows = qs.filter(**{f"{by}__in": ids}).values(by).annotate(**aggregates).order_by(by)
        return {r.pop(by): r for r in rows}

    sources = [
        per_user(_activities(reader, start, end), "user_id", **_ACTIVITY_COUNTS),
        per_user(_customers(reader, start, end), "credited_to_id", new_customers=Count("id")),
        per_user(_subscriptions(reader, start, end), "created_by_id", subscriptions=Count("id")),
        per_user(_contracts(reader, start, end), "created_by_id", contracts=Count("id")),
    ]
    noted = set(WorkLogNote.objects.filter(user_id__in=ids, date=date).exclude(text="")
                .values_list("user_id", flat=True))  # fmt: skip
    rows = []
    for user in users:
        row = _empty()
        for source in sources:
            row.update(source.get(user.pk, {}))
        rows.append({"user": user, **row, "has_notes": user.pk in noted})
    return rows
