"""Analytics pages: the dashboard of the user's role, the report catalogue, a report with its
chart, table and export. Thin: the selectors compute, the templates show."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import ValidationFailed
from loupan.core.views import add_service_errors, require_can, web_errors

from . import charts, dashboards, exports, selectors, services
from .forms import ReportFilterForm
from .registry import CATEGORIES, REGISTRY, Report
from .sources import Filters


@login_required
@require_GET
@web_errors
def report_index(request: HttpRequest) -> HttpResponse:
    require_can(request, "report.run")
    groups: dict[str, list[Report]] = {key: [] for key in CATEGORIES}
    for report in REGISTRY.values():
        groups[report.category].append(report)
    categories = [(key, CATEGORIES[key], reports) for key, reports in groups.items()]
    return render(request, "analytics/index.html", {"categories": categories, "total": len(REGISTRY)})


def _row_links(report: Report, keys: list[Any], filters: Filters) -> list[str | None]:
    """Customer reports grouped by a column the customer list filters on link to that list."""
    dim = report.dims[0] if len(report.dims) == 1 else None
    if report.source != "customers" or report.parts or dim is None or not dim.link:
        return [None] * len(keys)
    base = {k: v for k, v in filters.as_params().items() if k in ("site", "status")}
    url = reverse("customers:list")
    return [f"{url}?{urlencode({**base, dim.link: key})}" if key not in (None, "") else None for key in keys]


@login_required
@require_GET
@web_errors
def report_detail(request: HttpRequest, slug: str) -> HttpResponse:
    report = selectors.report_get(user=request.user, slug=slug)
    form = ReportFilterForm(request.GET or None, user=request.user)
    result, links = None, []
    try:
        filters = selectors.report_filters(user=request.user, params=request.GET)
    except ValidationFailed as exc:
        add_service_errors(form, exc)
    else:
        result = selectors.report_result(user=request.user, report=report, filters=filters, with_keys=True)
        links = _row_links(report, result.pop("keys"), filters)
    context = {
        "report": report,
        "category": CATEGORIES[report.category],
        "form": form,
        "result": result,
        "rows": list(zip(result["rows"], links, strict=True)) if result else [],
        "query": request.GET.urlencode(),
    }
    return render(request, "analytics/report.html", context)


@login_required
@require_GET
@web_errors
def report_export(request: HttpRequest, slug: str) -> HttpResponse:
    report = selectors.report_get(user=request.user, slug=slug)
    try:
        filters = selectors.report_filters(user=request.user, params=request.GET)
        content, filename, mime = exports.report_export(
            actor=request.user, report=report, filters=filters, fmt=request.GET.get("format", "xlsx")
        )
    except ValidationFailed as exc:
        return HttpResponseBadRequest("; ".join(" ".join(v) for v in exc.errors.values()))
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
@web_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    require_can(request, "report.run")
    return render(request, "analytics/dashboard.html", dashboards.dashboard_for(user=request.user))


@login_required
@require_GET
@web_errors
def segments(request: HttpRequest) -> HttpResponse:
    require_can(request, "report.run")
    error = ""
    try:
        k = selectors.segment_k(request.GET)
    except ValidationFailed as exc:
        k, error = None, " ".join(exc.errors["k"])
    result = selectors.segment_list(user=request.user, k=k)
    points = [{"label": s["label"], "x": round(s["centroid"]["budget"] / 10_000), "y": s["centroid"]["area"],
               "share": s["share"]} for s in result["segments"]]  # fmt: skip
    chart = charts.scatter(points, _("Budget (10k yuan)"), _("Area (m²)"))
    return render(
        request,
        "analytics/segments.html",
        {"result": result, "chart": chart, "k": k, "k_choices": range(2, 11), "error": error},
    )


@login_required
@require_POST
@web_errors
def segments_refresh(request: HttpRequest) -> HttpResponse:
    require_can(request, "report.run")
    try:
        k = selectors.segment_k(request.POST)
    except ValidationFailed:
        k = None
    services.segment_run_request(actor=request.user, k=k)
    messages.success(request, _("The segments are being computed; reload the page in a minute."))
    return redirect("analytics:segments")
