"""Dashboards per role: the salesperson's day, the site manager's sites, the company view.

Every number is a database aggregate over the same scoped sources as the reports, and
every number links to the scoped list or report behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.scoping import ScopeKind, scope_for

from . import charts, results
from .registry import REGISTRY
from .reports.common import SOLD, VISIT_KINDS
from .sources import SOURCES, Filters, day_start


@dataclass
class Tile:
    label: str
    value: Any
    url: str
    kind: str = "int"
    tone: str = ""


def _customers_url(**params: Any) -> str:
    return reverse("customers:list") + ("?" + urlencode(params) if params else "")


def _report_url(slug: str, **params: Any) -> str:
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("analytics:report", args=[slug]) + ("?" + urlencode(params) if params else "")


def _chart(user: Any, slug: str, filters: Filters) -> dict[str, Any]:
    report = REGISTRY[slug]
    table, _computed_at = results.report_table(report, user=user, filters=filters)
    return {"slug": slug, "id": f"chart-{slug}", "title": str(report.title), "option": charts.option_for(table, report.chart),
            "url": _report_url(slug, **filters.as_params())}  # fmt: skip


def _today() -> tuple[dt.date, dt.date, dt.datetime]:
    today = timezone.localdate()
    return today, today.replace(day=1), day_start(today + dt.timedelta(days=1))


def _salesperson(user: Any) -> dict[str, Any]:
    today, month_start, tomorrow = _today()
    mine = SOURCES["customers"].queryset(user, Filters())
    c = mine.aggregate(
        mine=Count("id"),
        due=Count("id", filter=Q(next_action_at__lt=tomorrow)),
        new=Count("id", filter=Q(created_at__gte=day_start(today))),
        level_a=Count("id", filter=Q(intent_level="A", status__in=["lead", "visited"])),
        subscribed=Count("id", filter=Q(status="subscribed")),
    )
    acts = (
        SOURCES["activities"].queryset(user, Filters(date_from=today, date_to=today)).filter(user_id=user.pk)
    )
    a = acts.aggregate(visits=Count("id", filter=Q(kind__in=VISIT_KINDS)), follow_ups=Count("id"))
    month = Filters(date_from=month_start)
    k = (
        SOURCES["contracts"]
        .queryset(user, month)
        .filter(status="active")
        .aggregate(n=Count("id"), v=Sum("price"))
    )
    from loupan.customers.models import Customer

    pool = Customer.objects.visible_to(user).filter(in_pool=True).count()
    me, day = user.pk, today.isoformat()
    tiles = [
        Tile(_("My customers"), c["mine"], _customers_url(owner=me)),
        Tile(_("Follow-ups due"), c["due"], _customers_url(owner=me, ordering="next_action_at"),
             tone="warn" if c["due"] else ""),
        Tile(_("Registered today"), c["new"], _customers_url(owner=me, ordering="-created_at")),
        Tile(_("Visits today"), a["visits"], _report_url("visits-by-month", date_from=day, date_to=day)),
        Tile(_("Follow-ups today"), a["follow_ups"], _report_url("follow-ups-by-kind", date_from=day, date_to=day)),
        Tile(_("A-level, not yet bought"), c["level_a"], _customers_url(owner=me, level="A")),
        Tile(_("Subscribed, to sign"), c["subscribed"], _customers_url(owner=me, status="subscribed")),
        Tile(_("Contracts this month"), k["n"], _report_url("contracts-by-month", **month.as_params())),
        Tile(_("Contract value this month"), k["v"] or 0, _report_url("contracts-by-month", **month.as_params()),
             kind="money"),
        Tile(_("In the public pool"), pool, reverse("customers:pool")),
    ]  # fmt: skip
    return {
        "kind": "day",
        "heading": _("My day"),
        "tiles": tiles,
        "charts": [_chart(user, "sales-funnel", Filters()), _chart(user, "intentions-by-level", Filters())],
        "sites": [],
    }


def _site_rows(user: Any, month: Filters) -> list[dict[str, Any]]:
    """One row per site in scope: customers, new, visits, contracts and sell-through, all linked."""
    from loupan.org.models import Site

    sites = list(Site.objects.visible_to(user).order_by("code"))
    customers = {
        r["site_id"]: r
        for r in SOURCES["customers"].queryset(user, Filters()).values("site_id")
        .annotate(n=Count("id"), new=Count("id", filter=Q(created_at__gte=day_start(month.date_from))))
    }  # fmt: skip
    visits = dict(
        SOURCES["activities"].queryset(user, month).filter(kind__in=VISIT_KINDS)
        .values_list("customer__site_id").annotate(n=Count("id"))
    )  # fmt: skip
    contracts = {
        r["customer__site_id"]: r
        for r in SOURCES["contracts"].queryset(user, month).filter(status="active").values("customer__site_id")
        .annotate(n=Count("id"), v=Sum("price"))
    }  # fmt: skip
    units = {
        r["project_id"]: r
        for r in SOURCES["units"].queryset(user, Filters()).values("project_id")
        .annotate(n=Count("id"), sold=Count("id", filter=Q(status__in=SOLD)))
    }  # fmt: skip
    rows = []
    for site in sites:
        c, k = customers.get(site.pk, {}), contracts.get(site.pk, {})
        u = units.get(site.project_id, {}) if site.project_id else {}
        p = {"site": site.pk, **month.as_params()}
        rows.append({
            "site": site, "url": _customers_url(site=site.pk),
            "customers": c.get("n", 0), "new": c.get("new", 0),
            "new_url": _report_url("customers-by-source", **p),
            "visits": visits.get(site.pk, 0), "visits_url": _report_url("visits-by-salesperson", **p),
            "contracts": k.get("n", 0), "value": k.get("v") or 0,
            "contracts_url": _report_url("contracts-by-salesperson", **p),
            "units": u.get("n", 0), "sold": u.get("sold", 0),
            "sell_through": (u["sold"] / u["n"] * 100) if u.get("n") else None,
            "sell_through_url": _report_url("sell-through-by-building", site=site.pk),
        })  # fmt: skip
    return rows


def _manager(user: Any, company: bool) -> dict[str, Any]:
    today, month_start, _tomorrow = _today()
    month = Filters(date_from=month_start)
    rows = _site_rows(user, month)
    from loupan.customers.models import Customer

    scoped = SOURCES["customers"].queryset(user, Filters())
    c = scoped.aggregate(
        level_a=Count("id", filter=Q(intent_level="A", status__in=["lead", "visited"])),
        overdue=Count("id", filter=Q(next_action_at__lt=timezone.now(), in_pool=False)),
    )
    pool = Customer.objects.visible_to(user).filter(in_pool=True).count()
    subs = SOURCES["subscriptions"].queryset(user, month).exclude(status="cancelled").count()
    m = month.as_params()
    units, sold = sum(r["units"] for r in rows), sum(r["sold"] for r in rows)
    tiles = [
        Tile(_("Customers in my scope"), sum(r["customers"] for r in rows), _customers_url()),
        Tile(_("Registered this month"), sum(r["new"] for r in rows), _report_url("customers-by-source", **m)),
        Tile(_("Visits this month"), sum(r["visits"] for r in rows), _report_url("visits-by-salesperson", **m)),
        Tile(_("Subscriptions this month"), subs, _report_url("subscriptions-by-month", **m)),
        Tile(_("Contracts this month"), sum(r["contracts"] for r in rows), _report_url("contracts-by-salesperson", **m)),
        Tile(_("Contract value this month"), sum(r["value"] for r in rows), _report_url("contracts-by-salesperson", **m),
             kind="money"),
        Tile(_("A-level, not yet bought"), c["level_a"], _customers_url(level="A")),
        Tile(_("Follow-ups overdue"), c["overdue"], _report_url("overdue-follow-ups-by-salesperson"),
             tone="warn" if c["overdue"] else ""),
        Tile(_("In the public pool"), pool, reverse("customers:pool")),
    ]  # fmt: skip
    if units:
        tiles.append(Tile(_("Sell-through"), sold / units * 100,
                          _report_url("sell-through-by-building"), kind="percent"))  # fmt: skip
    slugs = [
        "sales-funnel",
        "customers-by-source",
        "conversion-by-month" if company else "visits-by-salesperson",
    ]
    return {
        "kind": "company" if company else "site",
        "heading": _("Company view") if company else _("My sites"),
        "tiles": tiles,
        "charts": [_chart(user, slug, Filters()) for slug in slugs],
        "sites": rows,
    }


def dashboard_for(*, user: Any) -> dict[str, Any]:
    """The dashboard of the user's role: tiles, charts and (managers) a row per site."""
    kind = scope_for(user).kind
    if kind is ScopeKind.OWN:
        return _salesperson(user)
    return _manager(user, company=kind is ScopeKind.ALL)
