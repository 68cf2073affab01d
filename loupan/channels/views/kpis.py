"""The KPI board page: a site and a month, the table, a chart, in-house vs agency; targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from loupan.core.errors import ValidationFailed
from loupan.core.policy import can
from loupan.core.views import require_can, web_errors
from loupan.org.choices import FRONTLINE_ROLES
from loupan.org.models import Site, User

from .. import selectors, services
from ..choices import IN_HOUSE
from ..models import KpiTarget
from ..services.kpis import FIELDS as TARGET_FIELDS


def _site_and_period(request: HttpRequest) -> tuple[list[Site], Site | None, Any]:
    sites = list(Site.objects.visible_to(request.user).filter(is_active=True).order_by("code"))
    raw = request.GET.get("site") or (str(sites[0].pk) if sites else "")
    try:
        site = selectors.kpi_site(user=request.user, site_id=raw) if sites else None
        period = selectors.parse_period(request.GET.get("period"))
    except ValidationFailed:
        raise Http404 from None
    return sites, site, period


def _chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """An ECharts option: contract value (bars) and subscriptions (line) per person."""
    names = [r["user_name"] + ("" if r["team"] == IN_HOUSE else f" ({r['team']})") for r in rows]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Contract value (10k)"), _("Subscriptions")]},
        "grid": {"left": 60, "right": 40, "bottom": 80},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30}},
        "yAxis": [{"type": "value", "name": _("10k yuan")}, {"type": "value", "name": _("Subscriptions")}],
        "series": [
            {"name": _("Contract value (10k)"), "type": "bar",
             "data": [float((r["contract_value"] / Decimal(10000)).quantize(Decimal("0.01"))) for r in rows]},
            {"name": _("Subscriptions"), "type": "line", "yAxisIndex": 1, "data": [r["subscriptions"] for r in rows]},
        ],
    }  # fmt: skip


@login_required
@web_errors
def kpi_board(request: HttpRequest) -> HttpResponse:
    require_can(request, "kpi.read")
    sites, site, period = _site_and_period(request)
    rows = selectors.kpi_rows(user=request.user, site=site, period=period) if site else []
    managers = site is not None and can(request.user, "kpi.all_rows", site)
    return render(
        request,
        "channels/kpi_board.html",
        {
            "sites": sites, "site": site, "period": period, "rows": rows, "chart": _chart(rows),
            "teams": selectors.kpi_teams(rows) if managers else [], "is_manager_view": managers,
            "can_set_targets": site is not None and can(request.user, "kpi.target", site),
        },
    )  # fmt: skip


@login_required
@web_errors
def kpi_targets(request: HttpRequest) -> HttpResponse:
    """Managers set the month's targets of every salesperson and agent of the site at once."""
    sites, site, period = _site_and_period(request)
    if site is None:
        raise Http404
    require_can(request, "kpi.target", site)
    people = list(
        User.objects.filter(sites=site, role__in=list(FRONTLINE_ROLES), is_active=True)
        .select_related("agency")
        .order_by("role", "full_name", "username")
    )
    targets = {t.user_id: t for t in KpiTarget.objects.filter(site=site, month=period.month)}
    errors: dict[int, str] = {}
    if request.method == "POST":
        for person in people:
            values = {name: request.POST.get(f"{person.pk}-{name}", "").strip() for name in TARGET_FIELDS}
            if not any(values.values()) and person.pk not in targets:
                continue
            try:
                services.kpi_target_set(
                    actor=request.user, user=person, site=site, month=period.month, values=values
                )
            except ValidationFailed as exc:
                errors[person.pk] = "; ".join(m for msgs in exc.errors.values() for m in msgs)
        if not errors:
            messages.success(request, _("Targets saved."))
            return redirect(f"{request.path}?site={site.pk}&period={period}")
    rows = [
        {
            "user": p, "error": errors.get(p.pk, ""),
            "cells": [
                (f"{p.pk}-{name}", label,
                 request.POST.get(f"{p.pk}-{name}", "") if request.method == "POST"
                 else _plain(getattr(targets.get(p.pk), name, None)))
                for name, label in _target_labels()
            ],
        }
        for p in people
    ]  # fmt: skip
    return render(
        request,
        "channels/kpi_targets.html",
        {"sites": sites, "site": site, "period": period, "rows": rows, "fields": _target_labels()},
    )


def _plain(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def _target_labels() -> list[tuple[str, str]]:
    labels = {
        "new_customers": _("New customers"), "visits": _("Visits"), "subscriptions": _("Subscriptions"),
        "contracts": _("Contracts"), "contract_value": _("Contract value"),
    }  # fmt: skip
    return [(name, labels[name]) for name in TARGET_FIELDS]
