"""Deal pages (2/2): one contract (签约) with its schedule, receivables and money trail, and
its actions: approve a discount, edit the schedule, record a payment (回款), hand over (交房),
cancel (退房) and change of unit (换房).

Thin views as in :mod:`loupan.sales.deal_views`: scoped fetch (404), policy (403), service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import can
from loupan.core.views import errors_as_messages, errors_on_form, require_can, web_errors

from . import selectors
from . import services as ds
from .choices import ContractStatus, ScheduleKind
from .deal_forms import PaymentForm, ReasonForm, ScheduleFormSet
from .deal_views import back_or, buyer_referral, change_unit_forms, render_change_unit
from .models import Contract

SCHEDULE_FIELDS = ("due_date", "amount", "kind")


def _scoped_contract(request: HttpRequest, pk: int) -> Contract:
    return get_object_or_404(selectors.contract_detail_queryset(user=request.user), pk=pk)


def _handed_over(contract: Contract) -> Any:
    return getattr(contract, "handover", None)  # reverse one-to-one: None when not handed over


def _contract_context(request: HttpRequest, contract: Contract, **extra: Any) -> dict[str, Any]:
    user = request.user
    receivables = ds.contract_receivables(contract=contract)
    handover = _handed_over(contract)
    active = contract.status == ContractStatus.ACTIVE
    pending = contract.status == ContractStatus.PENDING_APPROVAL
    live = contract.status != ContractStatus.CANCELLED and handover is None
    manages = can(user, "deal.cancel", contract)
    may_pay = active and can(user, "deal.create", contract) and receivables["outstanding"] > 0
    context = {
        "contract": contract,
        "receivables": receivables,
        "handover": handover,
        "trail": selectors.money_trail(contract=contract),
        "referral": buyer_referral(user, contract.customer),
        "can_approve": pending and can(user, "deal.approve", contract),
        "can_edit_schedule": pending and can(user, "deal.create", contract),
        "can_pay": may_pay,
        "can_handover": active and handover is None and can(user, "deal.handover", contract),
        "can_cancel": live and manages,
        "can_change_unit": live and manages,
        "payment_form": PaymentForm() if may_pay else None,
        "cancel_form": ReasonForm() if live and manages else None,
        "kinds": ScheduleKind.choices,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _scoped_contract(request, pk)
    return render(request, "sales/contract_detail.html", _contract_context(request, contract))


@login_required
@require_POST
@web_errors
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """回款 against a contract. The form's token is the service's idempotency key: a double
    submit (two clicks, a resent request) records one payment."""
    contract = _scoped_contract(request, pk)
    require_can(request, "deal.create", contract)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            payment, created = ds.payment_record(
                actor=request.user, contract=contract, amount=data["amount"], method=data["method"],
                received_at=data["received_at"], idempotency_key=f"web:{data['token']}",
            )  # fmt: skip
            if created:
                messages.success(request, _("Payment of %(amount)s recorded.") % {"amount": payment.amount})
            else:
                messages.info(request, _("This payment was already recorded."))
            return redirect("sales:contract_detail", pk=contract.pk)
    context = _contract_context(request, contract, payment_form=form)
    return render(request, "sales/contract_detail.html", context)


@login_required
@web_errors
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the payment schedule of a contract awaiting approval (it must add up to the price)."""
    contract = _scoped_contract(request, pk)
    require_can(request, "deal.create", contract)
    initial = list(contract.schedule.order_by("seq").values(*SCHEDULE_FIELDS))
    formset = ScheduleFormSet(
        request.POST if request.method == "POST" else None, initial=initial, prefix="schedule"
    )
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        items = [
            {k: f.cleaned_data[k] for k in SCHEDULE_FIELDS}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            ds.contract_schedule_set(actor=request.user, contract=contract, schedule=items)
        except ValidationFailed as exc:
            errors = [m for msgs in exc.errors.values() for m in msgs]
        except Conflict as exc:
            errors = [exc.detail]
        else:
            messages.success(request, _("Payment schedule saved."))
            return redirect("sales:contract_detail", pk=contract.pk)
    return render(
        request,
        "sales/schedule_form.html",
        {"contract": contract, "formset": formset, "errors": errors},
    )


@login_required
@require_POST
@web_errors
def contract_handover(request: HttpRequest, pk: int) -> HttpResponse:
    """交房 (managers): refused with what is still owed when the contract is not paid."""
    contract = _scoped_contract(request, pk)
    require_can(request, "deal.handover", contract)
    with errors_as_messages(request):
        ds.handover(actor=request.user, contract=contract, notes=request.POST.get("notes", ""))
        messages.success(
            request,
            _("Unit %(unit)s handed over; the customer is an owner.") % {"unit": contract.unit.number},
        )
    return redirect("sales:contract_detail", pk=contract.pk)


@login_required
@require_POST
@web_errors
def contract_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """退房 (managers), with a reason; the payments stay on the cancelled contract."""
    contract = _scoped_contract(request, pk)
    require_can(request, "deal.cancel", contract)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with errors_as_messages(request):
        record = ds.contract_cancel(actor=request.user, contract=contract, reason=reason)
        messages.success(
            request,
            _("Contract cancelled; unit %(unit)s is on sale again. %(paid)s had been paid.")
            % {"unit": contract.unit.number, "paid": record.paid_amount},
        )
    return redirect("sales:contract_detail", pk=contract.pk)


@login_required
@require_POST
@web_errors
def contract_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager approves a discount above the limit; back to the page the button was on."""
    contract = _scoped_contract(request, pk)
    require_can(request, "deal.approve", contract)
    with errors_as_messages(request):
        ds.contract_approve(actor=request.user, contract=contract)
        messages.success(request, _("Discount approved; the contract is signed."))
    return back_or(request, reverse("sales:contract_detail", args=[contract.pk]))


@login_required
@web_errors
def contract_change_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """换房 of a contract (managers): what was paid is carried over to the new contract; the
    unit picker is searchable as for a subscription."""
    contract = _scoped_contract(request, pk)
    require_can(request, "deal.cancel", contract)
    search, form = change_unit_forms(request, project_id=contract.unit.project_id, contract=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            change = ds.contract_change_unit(
                actor=request.user, contract=contract, new_unit=data["unit"], price=data["price"],
                payment_method=data.get("payment_method") or None, reason=data["reason"],
            )  # fmt: skip
            messages.success(
                request,
                _("Changed from unit %(old)s to %(new)s; %(paid)s carried over.")
                % {"old": contract.unit.number, "new": change.to_unit.number, "paid": change.carried_amount},
            )
            return redirect("sales:contract_detail", pk=change.to_contract_id)
    return render_change_unit(
        request,
        {
            "form": form,
            "search": search,
            "deal": contract,
            "unit": contract.unit,
            "back": reverse("sales:contract_detail", args=[contract.pk]),
        },
    )
