"""Where a report's rows come from: scoped querysets and the paths its filters use.

Every source starts from ``Model.objects.visible_to(user)`` (or, for link tables with no
manager of their own, from the same ``customer_scope_q``), so a report counts exactly
what its caller may see. Salespeople and agents count their own customers only: the
public pool they may browse is nobody's result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from loupan.core.scoping import ScopeKind, customer_scope_q, scope_for


@dataclass(frozen=True)
class Filters:
    """The filters every report takes: site, project, period (local dates), customer status."""

    site: Any = None
    project: Any = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""

    def as_params(self) -> dict[str, str]:
        params = {
            "site": self.site.pk if self.site else "",
            "project": self.project.pk if self.project else "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "status": self.status,
        }
        return {k: str(v) for k, v in params.items() if v not in ("", None)}


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Source:
    """One kind of row a report aggregates.

    ``paths`` give the lookup prefix of related records as seen from this row: ``c`` the
    customer, ``u`` the unit, ``k`` the contract. ``site`` / ``project`` / ``date`` /
    ``status`` are the lookups the filters apply to (``None``: the filter does not apply).
    """

    key: str
    model: str
    customer: str | None  # lookup prefix of the customer ("" on customers), None: not customer data
    site: str | None
    project: str | None
    date: str | None
    status: str | None
    paths: dict[str, str] = field(default_factory=dict)

    @property
    def c(self) -> str:
        return self.paths.get("c", "")

    @property
    def u(self) -> str:
        return self.paths.get("u", "")

    @property
    def k(self) -> str:
        return self.paths.get("k", "")

    def model_class(self) -> Any:
        from django.apps import apps

        return apps.get_model(self.model)

    def queryset(self, user: Any, filters: Filters) -> QuerySet:
        model = self.model_class()
        if self.customer is None:
            qs = model.objects.visible_to(user)
        elif hasattr(model.objects, "visible_to"):
            qs = model.objects.visible_to(user).filter(own_q(user, self.customer))
        else:
            qs = model.objects.filter(customer_scope_q(user, self.customer) & own_q(user, self.customer))
        return qs.filter(self.filter_q(filters)).order_by()

    def filter_q(self, f: Filters) -> Q:
        q = Q()
        if f.site is not None:
            if self.site is not None:
                q &= Q(**{self.site: f.site.pk})
            elif self.project is not None:  # inventory: the site's project
                q &= Q(**{self.project: f.site.project_id or 0})
        if f.project is not None and self.project is not None:
            q &= Q(**{self.project: f.project.pk})
        if self.date is not None:
            is_day = self.date.endswith("_date")  # a DateField: compare days, not instants
            if f.date_from:
                q &= Q(**{f"{self.date}__gte": f.date_from if is_day else day_start(f.date_from)})
            if f.date_to:
                end = f.date_to + dt.timedelta(days=1)
                q &= Q(**{f"{self.date}__lt": end if is_day else day_start(end)})
        if f.status and self.status is not None:
            q &= Q(**{self.status: f.status})
        return q


def own_q(user: Any, prefix: str) -> Q:
    """A salesperson's or agent's report covers the customers they own, not the pool."""
    scope = scope_for(user)
    if scope.kind is ScopeKind.OWN:
        return Q(**{f"{prefix}owner_id": scope.user_id})
    return Q()


_C = {"c": ""}
SOURCES = {
    s.key: s
    for s in [
        Source("customers", "customers.Customer", "", "site_id", "site__project_id", "created_at", "status", _C),
        Source("activities", "sales.Activity", "customer__", "customer__site_id", "customer__site__project_id",
               "occurred_at", "customer__status", {"c": "customer__"}),
        Source("reservations", "sales.Reservation", "customer__", "customer__site_id", "project_id",
               "created_at", "customer__status", {"c": "customer__"}),
        Source("subscriptions", "sales.Subscription", "customer__", "customer__site_id", "unit__project_id",
               "created_at", "customer__status", {"c": "customer__", "u": "unit__"}),
        Source("contracts", "sales.Contract", "customer__", "customer__site_id", "unit__project_id",
               "signed_at", "customer__status", {"c": "customer__", "u": "unit__"}),
        Source("payments", "sales.Payment", "customer__", "customer__site_id", "contract__unit__project_id",
               "received_at", "customer__status", {"c": "customer__", "u": "contract__unit__", "k": "contract__"}),
        Source("schedule", "sales.PaymentScheduleItem", "contract__customer__", "contract__customer__site_id",
               "contract__unit__project_id", "due_date", "contract__customer__status",
               {"c": "contract__customer__", "u": "contract__unit__", "k": "contract__"}),
        Source("claims", "customers.PoolClaim", "customer__", "site_id", "site__project_id", "claimed_at",
               "customer__status", {"c": "customer__"}),
        Source("units", "inventory.Unit", None, None, "project_id", None, None, {"u": ""}),
    ]
}  # fmt: skip
