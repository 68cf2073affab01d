"""The one KPI board (api-v1 ``kpis/``): the same definitions for in-house and agency staff.

For a site and a calendar month (Asia/Shanghai), per salesperson or agent ``u``:

- ``new_customers``: customers of the site created in the month whose first owner is ``u``:
  created by or for them (the sales credit), or their agency registration confirmed; a
  transfer keeps the credit where it was and a pool claim gives none (a claimed customer
  counts for whoever created it);
- ``visits``: first visits (follow-ups of kind ``visit``) ``u`` recorded at the site;
  ``revisits``: follow-ups of kind ``revisit``; ``revisit_rate`` = revisits / visits;
- ``subscriptions``: subscriptions made in the month, not cancelled, of customers credited
  to ``u`` (a change of unit is not a new sale); ``contracts`` and ``contract_value``:
  contracts signed in the month and still active, same credit;
- ``conversion_rate`` = subscriptions / visits (visit -> subscription);
- ``overdue_follow_ups``: customers ``u`` owns whose next action fell due in the month and
  has not been followed up (still in the past now).

Rows are ranked by contract value, then contracts, subscriptions, new customers (ties share
a rank). Managers read every row of a site in their scope; a salesperson or agent reads
their own row, with their rank among all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.errors import ValidationFailed
from loupan.core.policy import can
from loupan.customers.models import Customer, PoolClaim
from loupan.org.choices import FRONTLINE_ROLES
from loupan.org.models import Site, User
from loupan.sales.choices import ActivityKind, ContractStatus, SubscriptionStatus
from loupan.sales.models import Activity, Contract, Subscription, UnitChange

from ..choices import IN_HOUSE
from ..models import KpiTarget

COUNTS = ("new_customers", "visits", "revisits", "subscriptions", "contracts", "overdue_follow_ups")
TARGET_FIELDS = ("new_customers", "visits", "subscriptions", "contracts", "contract_value")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    month: dt.date  # the first day

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.month, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        nxt = (self.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return timezone.make_aware(dt.datetime.combine(nxt, dt.time.min))

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


def parse_period(value: str | None) -> Period:
    """``YYYY-MM`` (default: this month) or 400 on ``period``."""
    if not value:
        return Period(timezone.localdate().replace(day=1))
    try:
        return Period(dt.datetime.strptime(value.strip(), "%Y-%m").date())
    except ValueError:
        raise ValidationFailed({"period": [_("Give a month as YYYY-MM.")]}) from None


def kpi_site(*, user: Any, site_id: Any) -> Site:
    """The site asked for, from the user's scope: one outside it is refused exactly like a
    missing one (400 on ``site``)."""
    if site_id in (None, ""):
        raise ValidationFailed({"site": [_("Choose a site.")]})
    site = Site.objects.visible_to(user).filter(pk=site_id).first() if str(site_id).isdigit() else None
    if site is None:
        raise ValidationFailed(
            {"site": [_("Select a valid choice. That choice is not one of the available choices.")]}
        )
    return site


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _team(user: User) -> str:
    return user.agency.name if user.role == "agent" and user.agency_id else IN_HOUSE


def _by_user(qs, key: str, **aggregates: Any) -> dict[int, dict[str, Any]]:  # noqa: ANN001
    return {row.pop(key): row for row in qs.values(key).annotate(**aggregates).order_by() if row[key]}


def _numbers(site: Site, period: Period, now: dt.datetime) -> dict[int, dict[str, Any]]:
    """Every number of every person of the site (its frontline staff, and anyone with numbers
    there) in the period: six grouped queries, each served by an index."""
    start, end = period.start, period.end
    # The first owner: the sales credit, unless a pool claim moved it (then whoever created it).
    claimed = Exists(PoolClaim.objects.filter(customer=OuterRef("pk")))
    new = _by_user(
        Customer.objects.filter(site=site, created_at__gte=start, created_at__lt=end).annotate(
            first_owner=Case(When(claimed, then=F("registered_by")), default=F("credited_to"))
        ),
        "first_owner", new_customers=Count("id"),
    )  # fmt: skip
    subs = _by_user(
        Subscription.objects.filter(customer__site=site, created_at__gte=start, created_at__lt=end)
        .exclude(status=SubscriptionStatus.CANCELLED)
        .exclude(Exists(UnitChange.objects.filter(to_subscription=OuterRef("pk")))),
        "customer__credited_to", subscriptions=Count("id"),
    )  # fmt: skip
    contracts = _by_user(
        Contract.objects.filter(
            customer__site=site, status=ContractStatus.ACTIVE, signed_at__gte=start, signed_at__lt=end
        ),
        "customer__credited_to", contracts=Count("id"), contract_value=Sum("price"),
    )  # fmt: skip
    overdue = _by_user(
        Customer.objects.filter(site=site, next_action_at__gte=start, next_action_at__lt=min(end, now)),
        "owner", overdue_follow_ups=Count("id"),
    )  # fmt: skip
    # Visits by the people of the site (and anyone with numbers there), grouped by the
    # customer's site and kept for this one: phrased so the activities are reached through
    # their author's index, not by walking every customer of the site.
    people = set(User.objects.filter(sites=site, role__in=list(FRONTLINE_ROLES)).values_list("pk", flat=True))
    people |= set(new) | set(subs) | set(contracts) | set(overdue)
    visit_rows = (
        Activity.objects.filter(
            user_id__in=sorted(people), occurred_at__gte=start, occurred_at__lt=end,
            kind__in=[ActivityKind.VISIT, ActivityKind.REVISIT],
        )
        .values("user", "customer__site")
        .annotate(visits=Count("id", filter=Q(kind=ActivityKind.VISIT)),
                  revisits=Count("id", filter=Q(kind=ActivityKind.REVISIT)))
        .order_by()
    )  # fmt: skip
    visits = {
        row["user"]: {"visits": row["visits"], "revisits": row["revisits"]}
        for row in visit_rows
        if row["customer__site"] == site.pk
    }
    merged: dict[int, dict[str, Any]] = {pk: {} for pk in people}
    for part in (new, visits, subs, contracts, overdue):
        for user_id, values in part.items():
            merged.setdefault(user_id, {}).update(values)
    return merged


def _row(user: User, values: dict[str, Any], target: KpiTarget | None) -> dict[str, Any]:
    row: dict[str, Any] = {"user": user.pk, "user_name": user.display_name, "team": _team(user)}
    row.update({name: int(values.get(name) or 0) for name in COUNTS})
    row["contract_value"] = (values.get("contract_value") or Decimal("0")).quantize(CENT)
    row["revisit_rate"] = _rate(row["revisits"], row["visits"])
    row["conversion_rate"] = _rate(row["subscriptions"], row["visits"])
    row["is_active"] = user.is_active
    row["target"] = {name: getattr(target, name) for name in TARGET_FIELDS} if target is not None else None
    return row


def _rank(rows: list[dict[str, Any]]) -> None:
    def key(r: dict[str, Any]) -> tuple:
        return (-r["contract_value"], -r["contracts"], -r["subscriptions"], -r["new_customers"])

    rows.sort(key=lambda r: (*key(r), r["user_name"], r["user"]))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if key(row) != previous:
            rank, previous = position, key(row)
        row["rank"] = rank
        row["ranked_of"] = len(rows)


def kpi_rows(
    *, user: Any, site: Site, period: Period, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The board of a site in the user's scope: every frontline person of the site (and
    anyone else frontline with numbers there), ranked. Non-managers get their own row only."""
    now = now or timezone.now()
    numbers = _numbers(site, period, now)
    people = User.objects.filter(pk__in=sorted(numbers), role__in=list(FRONTLINE_ROLES)).select_related(
        "agency"
    )
    targets = {t.user_id: t for t in KpiTarget.objects.filter(site=site, month=period.month)}
    rows = [
        _row(person, numbers.get(person.pk, {}), targets.get(person.pk))
        for person in people
        if person.is_active or any(numbers[person.pk].values())
    ]
    _rank(rows)
    if not can(user, "kpi.all_rows", site):
        rows = [r for r in rows if r["user"] == user.pk]
    return rows


def kpi_teams(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """In-house vs agency: the rows summed per team and per group, rates recomputed."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        group = "in_house" if row["team"] == IN_HOUSE else "agency"
        for key in ((group, row["team"]), (group, "")):
            total = groups.setdefault(
                key, {"group": key[0], "team": key[1], "people": 0, "contract_value": Decimal("0.00"),
                      **{name: 0 for name in COUNTS}},
            )  # fmt: skip
            total["people"] += 1
            total["contract_value"] += row["contract_value"]
            for name in COUNTS:
                total[name] += row[name]
    out = sorted(groups.values(), key=lambda t: (t["group"] != "in_house", t["team"] != "", t["team"]))
    for total in out:
        total["revisit_rate"] = _rate(total["revisits"], total["visits"])
        total["conversion_rate"] = _rate(total["subscriptions"], total["visits"])
    return out
