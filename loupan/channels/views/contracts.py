"""Agency contract pages: the list, signing, renewing and ending (which offboards the agency)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import can
from loupan.core.views import add_service_errors, errors_as_messages, paginate, require_can, web_errors

from .. import services
from ..forms import ContractForm, RenewForm
from ..models import AgencyContract


@login_required
@require_GET
@web_errors
def contract_list(request: HttpRequest) -> HttpResponse:
    require_can(request, "agency_contract.read")
    contracts = (
        AgencyContract.objects.select_related("agency")
        .prefetch_related("sites")
        .order_by("status", "agency__name", "-start")
    )
    return render(
        request,
        "channels/contract_list.html",
        {
            "page": paginate(request, contracts), "can_manage": can(request.user, "agency_contract.manage"),
            "renew_form": RenewForm(),
        },
    )  # fmt: skip


@login_required
@web_errors
def contract_create(request: HttpRequest) -> HttpResponse:
    require_can(request, "agency_contract.manage")
    form = ContractForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agency_contract_create(
                actor=request.user, agency=data["agency"], start=data["start"], end=data["end"],
                rate_percent=data["rate_percent"], tiers=data["tiers"], sites=list(data["sites"]),
            )  # fmt: skip
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Contract with %(agency)s saved.") % {"agency": data["agency"].name})
            return redirect("channels:contracts")
    return render(request, "channels/contract_form.html", {"form": form})


@login_required
@require_POST
@web_errors
def contract_renew(request: HttpRequest, pk: int) -> HttpResponse:
    require_can(request, "agency_contract.manage")
    contract = get_object_or_404(AgencyContract, pk=pk)
    form = RenewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(m for msgs in form.errors.values() for m in msgs))
        return redirect("channels:contracts")
    with errors_as_messages(request):
        new = services.agency_contract_renew(
            actor=request.user, contract=contract, end=form.cleaned_data["end"],
            rate_percent=form.cleaned_data["rate_percent"],
        )  # fmt: skip
        messages.success(request, _("Contract renewed from %(start)s.") % {"start": f"{new.start:%Y-%m-%d}"})
    return redirect("channels:contracts")


@login_required
@require_POST
@web_errors
def contract_end(request: HttpRequest, pk: int) -> HttpResponse:
    require_can(request, "agency_contract.manage")
    contract = get_object_or_404(AgencyContract.objects.select_related("agency"), pk=pk)
    with errors_as_messages(request):
        result = services.agency_contract_end(
            actor=request.user, contract=contract, reason=request.POST.get("reason", "")
        )
        messages.success(
            request,
            _(
                "The contract with %(agency)s ended: its agents can no longer log in, %(n)d customers went to the pool."
            )
            % {"agency": contract.agency.name, "n": result["released"]},
        )
    return redirect("channels:contracts")
