"""Deal pages (1/2): the deal list with its filters, 认筹 reservations, and one subscription
(认购) with its cancellation and 换房.

Thin views: rows from ``visible_to`` through the selectors (out of scope = 404), buttons
from ``can(user, action, obj)``, writes from :mod:`loupan.sales.services`, whose typed
errors are shown on the page (field errors on the form, conflicts as messages).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import ValidationFailed
from loupan.core.policy import can
from loupan.core.scoping import scope_for
from loupan.core.views import (
    add_service_errors,
    errors_as_messages,
    errors_on_form,
    is_htmx,
    paginate,
    require_can,
    web_errors,
)
from loupan.customers.selectors import customer_queryset

from . import selectors
from . import services as ds
from .choices import ReservationStatus, SubscriptionStatus
from .deal_forms import ChangeUnitForm, DealFilterForm, ReasonForm, ReservationForm, UnitSearchForm
from .models import Cancellation, Reservation, Subscription, UnitChange

OVERDUE_PANEL = 20


def back_or(request: HttpRequest, fallback: str) -> HttpResponse:
    """Redirect to a safe ``next`` (the page the button was on), else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def buyer_referral(user: Any, customer: Any) -> Any:
    """The 老带新 referral of a deal's buyer that the user may see, or None (one query)."""
    from loupan.channels.selectors import buyer_referral as referral_of  # channels builds on sales

    return referral_of(user=user, customer=customer)


# --- the deal list ----------------------------------------------------------------------------


def _row(user: Any, s: Subscription) -> dict[str, Any]:
    """One row of the list with the buttons the user may press."""
    contract = getattr(s, "contract", None)  # None when not signed (reverse one-to-one)
    active = s.status == SubscriptionStatus.ACTIVE
    return {
        "s": s,
        "contract": contract,
        "can_cancel": active and contract is None and can(user, "deal.cancel", s),
        "can_sign": active and contract is None and can(user, "deal.create", s),
        "can_approve": contract is not None
        and contract.status == "pending_approval"
        and can(user, "deal.approve", s),
    }


@login_required
@require_GET
def deal_list(request: HttpRequest) -> HttpResponse:
    """Subscriptions in the user's scope with filters (status, project, past the deadline to
    sign); managers see the overdue subscriptions on top."""
    form = DealFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.subscription_list(
        user=request.user, status=data.get("status") or "", project=data.get("project"),
        overdue=bool(data.get("overdue")),
    )  # fmt: skip
    if form.is_bound and not form.is_valid():
        qs = qs.none()  # a project outside the scope or an unknown status: nothing, with the error
    page = paginate(request, qs)
    is_manager = scope_for(request.user).is_manager
    overdue_all = selectors.overdue_subscriptions(user=request.user) if is_manager else None
    return render(
        request,
        "sales/deal_list.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(request.user, s) for s in page],
            "overdue": bool(data.get("overdue")),
            "overdue_panel": list(overdue_all[:OVERDUE_PANEL]) if overdue_all is not None else None,
            "overdue_count": overdue_all.count() if overdue_all is not None else 0,
            "today": timezone.localdate(),
        },
    )


# --- 认筹 reservations ------------------------------------------------------------------------


@login_required
@require_GET
def reservation_list(request: HttpRequest) -> HttpResponse:
    """Reservations in the user's scope, per project in queue order; refund for managers."""
    form = DealFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    status = request.GET.get("status", "")
    qs = selectors.reservation_list(
        user=request.user,
        project=data.get("project"),
        status=status if status in ReservationStatus.values else "",
    )
    page = paginate(request, qs)
    rows = [
        {"r": r, "can_refund": r.status == ReservationStatus.ACTIVE and can(request.user, "deal.cancel", r)}
        for r in page
    ]
    return render(
        request,
        "sales/reservation_list.html",
        {"form": form, "page": page, "rows": rows, "statuses": ReservationStatus.choices, "status": status},
    )


@login_required
@web_errors
def reservation_create(request: HttpRequest) -> HttpResponse:
    """认筹 for ``?customer=ID``: a project and a deposit; the queue number is handed out."""
    raw = request.GET.get("customer") or request.POST.get("customer") or ""
    if not raw.isdigit():
        raise Http404
    customer = get_object_or_404(customer_queryset(request.user), pk=raw)
    require_can(request, "deal.create", customer)
    site_project = customer.site.project_id if customer.site_id else None
    form = ReservationForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"project": site_project},
    )
    if request.method == "POST" and form.is_valid():
        try:
            reservation = ds.reservation_create(
                actor=request.user, project=form.cleaned_data["project"], customer=customer,
                deposit=form.cleaned_data["deposit"],
            )  # fmt: skip
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Reservation for %(project)s made: queue number %(n)d.")
                % {"project": reservation.project.name, "n": reservation.queue_number},
            )
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "sales/reservation_form.html", {"form": form, "customer": customer})


@login_required
@require_POST
@web_errors
def reservation_refund(request: HttpRequest, pk: int) -> HttpResponse:
    reservation = get_object_or_404(Reservation.objects.visible_to(request.user), pk=pk)
    require_can(request, "deal.cancel", reservation)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with errors_as_messages(request):
        ds.reservation_refund(actor=request.user, reservation=reservation, reason=reason)
        messages.success(request, _("Reservation no. %(n)d refunded.") % {"n": reservation.queue_number})
    return back_or(request, reverse("sales:reservation_list"))


# --- one subscription -------------------------------------------------------------------------


def _scoped_subscription(request: HttpRequest, pk: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.visible_to(request.user).select_related(
            "unit__building", "unit__project", "customer", "created_by", "cancelled_by", "reservation",
            "contract",
        ),
        pk=pk,
    )  # fmt: skip


@login_required
@require_GET
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Price, deposit, deadline and status of one 认购, its money trail and the actions the
    user may take: sign, cancel and change of unit (managers)."""
    s = _scoped_subscription(request, pk)
    contract = getattr(s, "contract", None)
    open_ = s.status == SubscriptionStatus.ACTIVE and contract is None
    manages = can(request.user, "deal.cancel", s)
    changes = UnitChange.objects.filter(from_subscription=s) | UnitChange.objects.filter(to_subscription=s)
    return render(
        request,
        "sales/subscription_detail.html",
        {
            "s": s,
            "contract": contract,
            "overdue": s.status == SubscriptionStatus.ACTIVE and s.sign_deadline < timezone.localdate(),
            "can_sign": open_ and can(request.user, "deal.create", s),
            "can_cancel": open_ and manages,
            "can_change_unit": open_ and manages,
            "referral": buyer_referral(request.user, s.customer),
            "cancellations": list(Cancellation.objects.filter(subscription=s).select_related("by")),
            "changes": list(
                changes.select_related("from_unit__building", "to_unit__building", "by").order_by("at")
            ),
        },
    )


def change_unit_forms(request: HttpRequest, *, project_id: int, contract: bool) -> tuple:
    """The 换房 page's search form (``?building=&q=``) and the change form listing the units
    that match it (bound on POST)."""
    search = UnitSearchForm(request.GET or None, user=request.user, project_id=project_id)
    form = ChangeUnitForm(
        request.POST if request.method == "POST" else None,
        user=request.user, project_id=project_id, contract=contract, search=search.criteria(),
    )  # fmt: skip
    return search, form


def render_change_unit(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The 换房 page, or with htmx (the search box) only its unit picker."""
    if is_htmx(request) and request.method == "GET":
        return render(request, "sales/_unit_picker.html", context)
    return render(request, "sales/change_unit_form.html", context)


@login_required
@web_errors
def subscription_change_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """换房 of an active subscription (managers): pick an available unit of the project,
    searchable by building and unit number."""
    s = _scoped_subscription(request, pk)
    require_can(request, "deal.cancel", s)
    search, form = change_unit_forms(request, project_id=s.unit.project_id, contract=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            change = ds.subscription_change_unit(
                actor=request.user, subscription=s, new_unit=data["unit"], price=data["price"],
                reason=data["reason"],
            )  # fmt: skip
            messages.success(
                request,
                _("Changed from unit %(old)s to %(new)s.")
                % {"old": s.unit.number, "new": change.to_unit.number},
            )
            return redirect("sales:subscription_detail", pk=change.to_subscription_id)
    back = reverse("sales:subscription_detail", args=[s.pk])
    return render_change_unit(
        request, {"form": form, "search": search, "deal": s, "unit": s.unit, "back": back}
    )
