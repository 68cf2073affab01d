"""Deal pages: subscribe a unit (认购), cancel a subscription, sign a contract from it.

The list and the detail pages live in :mod:`loupan.sales.deal_views` and
:mod:`loupan.sales.contract_views`.

Thin views: rows from scoped querysets (out of scope = 404), buttons backed by
``can(user, action, obj)``, writes by :mod:`loupan.sales.services` whose typed errors
are shown on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.views import errors_as_messages, errors_on_form, require_can, web_errors
from loupan.inventory.choices import UnitStatus
from loupan.inventory.models import Unit

from . import services as ds
from .forms import ContractForm, SubscriptionForm
from .models import Subscription


def _scoped_unit(request: HttpRequest) -> Unit:
    raw = request.GET.get("unit") or request.POST.get("unit") or ""
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(
        Unit.objects.visible_to(request.user).select_related("building", "project"), pk=raw
    )


SUBSCRIPTION_FIELDS = ("customer", "reservation", "price", "deposit", "sign_deadline")


def _subscription_form(request: HttpRequest, unit: Unit) -> SubscriptionForm:
    """The bound form of a POST; unbound otherwise, with ``?customer=`` (or, for the no-JS
    "show reservations" button, what was typed so far) as its initial values."""
    if request.method == "POST" and "refresh" not in request.POST:
        return SubscriptionForm(request.POST, user=request.user, unit=unit)
    source = request.POST if request.method == "POST" else request.GET
    initial = {k: source[k] for k in SUBSCRIPTION_FIELDS if source.get(k) and k != "reservation"}
    return SubscriptionForm(user=request.user, unit=unit, initial=initial)


@login_required
@web_errors
def subscription_create(request: HttpRequest) -> HttpResponse:
    """认购 a unit: ``?unit=ID``; the customer is one the user may deal with, optionally
    converting one of their 认筹 reservations for the unit's project."""
    unit = _scoped_unit(request)
    form = _subscription_form(request, unit)
    if form.is_bound and form.is_valid():
        customer = form.cleaned_data["customer"]
        reservation = form.cleaned_data["reservation"]
        require_can(request, "deal.create", customer)
        with errors_on_form(form):
            ds.subscription_create(
                actor=request.user, unit=unit, customer=customer, price=form.cleaned_data["price"],
                deposit=form.cleaned_data["deposit"], sign_deadline=form.cleaned_data["sign_deadline"],
                reservation=reservation,
            )  # fmt: skip
            done = _("%(customer)s subscribed unit %(unit)s.") % {
                "customer": customer.name,
                "unit": unit.number,
            }
            if reservation is not None:
                done += " " + _("Reservation no. %(n)d converted.") % {"n": reservation.queue_number}
            messages.success(request, done)
            return redirect("customers:detail", pk=customer.pk)
    unavailable = unit.status != UnitStatus.AVAILABLE
    return render(
        request, "sales/subscription_form.html", {"form": form, "unit": unit, "unavailable": unavailable}
    )


@login_required
@require_GET
@web_errors
def subscription_reservations(request: HttpRequest) -> HttpResponse:
    """htmx: the reservation field of the subscribe form for ``?unit=ID&customer=ID``."""
    unit = _scoped_unit(request)
    form = _subscription_form(request, unit)
    return render(request, "sales/_reservation_field.html", {"form": form})


@login_required
@require_POST
@web_errors
def subscription_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription.objects.visible_to(request.user), pk=pk)
    require_can(request, "deal.cancel", subscription)
    with errors_as_messages(request):
        ds.subscription_cancel(
            actor=request.user, subscription=subscription, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The subscription is cancelled; the unit is on sale again."))
    return redirect("sales:subscription_detail", pk=subscription.pk)


@login_required
@web_errors
def contract_create(request: HttpRequest, pk: int) -> HttpResponse:
    """签约 from an active subscription: price, payment method; a discount above the site's
    limit waits for a manager's approval."""
    subscription = get_object_or_404(
        Subscription.objects.visible_to(request.user).select_related("unit__building", "customer"), pk=pk
    )
    require_can(request, "deal.create", subscription)
    form = ContractForm(
        request.POST if request.method == "POST" else None,
        initial={"price": subscription.price, "payment_method": "full"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            contract = ds.contract_create(
                actor=request.user, subscription=subscription, payment_method=data["payment_method"],
                price=data["price"], installments=data.get("installments"),
            )  # fmt: skip
            if contract.status == "pending_approval":
                messages.warning(
                    request,
                    _(
                        "The discount of %(d)s%% is above the limit; the contract waits for a manager's approval."
                    )
                    % {"d": contract.discount_percent},
                )
            else:
                messages.success(request, _("Contract signed."))
            return redirect("sales:contract_detail", pk=contract.pk)
    return render(request, "sales/contract_form.html", {"form": form, "subscription": subscription})
