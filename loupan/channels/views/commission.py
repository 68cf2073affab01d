"""Commission pages (finance): a month's lines of an agency, issuing, statements, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import ValidationFailed
from loupan.core.views import errors_as_messages, paginate, require_can, web_errors
from loupan.org.models import Agency

from .. import selectors, services
from ..models import CommissionStatement


@login_required
@require_GET
@web_errors
def commission(request: HttpRequest) -> HttpResponse:
    require_can(request, "commission.read")
    agencies = selectors.commission_agencies()
    raw = request.GET.get("agency") or (str(agencies[0].pk) if agencies else "")
    agency = next((a for a in agencies if str(a.pk) == raw), None)
    try:
        period = selectors.parse_period(request.GET.get("period"))
    except ValidationFailed:
        raise Http404 from None
    lines = selectors.commission_lines(agency=agency, period=period) if agency else []
    statement = (
        CommissionStatement.objects.filter(agency=agency, month=period.month).first() if agency else None
    )
    statements = paginate(
        request, CommissionStatement.objects.select_related("agency").order_by("-month", "agency")
    )
    return render(
        request,
        "channels/commission.html",
        {
            "agencies": agencies, "agency": agency, "period": period, "lines": lines,
            "totals": selectors.commission_totals(lines), "statement": statement, "page": statements,
        },
    )  # fmt: skip


@login_required
@require_POST
@web_errors
def commission_issue(request: HttpRequest) -> HttpResponse:
    require_can(request, "commission.settle")
    agency = get_object_or_404(Agency, pk=request.POST.get("agency") or 0)
    with errors_as_messages(request):
        period = selectors.parse_period(request.POST.get("period"))
        statement = services.commission_statement_issue(actor=request.user, agency=agency, period=period)
        messages.success(
            request,
            _("Statement issued: %(agency)s, total %(total)s.")
            % {"agency": agency.name, "total": statement.total},
        )
        return redirect(f"{reverse('channels:commission')}?agency={agency.pk}&period={period}")
    return redirect("channels:commission")


@login_required
@require_GET
@web_errors
def statement_export(request: HttpRequest, pk: int) -> HttpResponse:
    require_can(request, "commission.read")
    statement = get_object_or_404(CommissionStatement.objects.select_related("agency"), pk=pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    content, filename, mime = services.commission_statement_export(
        actor=request.user, statement=statement, fmt=fmt
    )
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
