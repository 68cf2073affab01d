"""Customer pages: list, detail with follow-ups, create/edit, ownership actions, the pool.

Views are thin: every row comes from a scoped queryset (out of scope = 404), every
button is backed by ``can(user, action, obj)`` and every write by a service, whose
typed errors are rendered on the page (field errors, conflict messages, 403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import can
from loupan.core.views import (
    add_service_errors,
    errors_as_messages,
    is_htmx,
    paginate,
    require_can,
    web_errors,
)
from loupan.org.models import Site
from loupan.sales import services as sales_services
from loupan.sales.models import Activity

from . import exports, selectors, services
from .filters import CustomerFilter
from .forms import ActivityForm, CustomerForm, ReleaseForm, TransferForm
from .history import history_rows
from .models import Customer
from .policies import available_actions

TIMELINE_LIMIT = 100
SORTABLE = {
    "-created_at": gettext_lazy("Newest first"),
    "created_at": gettext_lazy("Oldest first"),
    "name": gettext_lazy("Name"),
    "-last_touched_at": gettext_lazy("Recently followed up"),
    "last_touched_at": gettext_lazy("Longest without follow-up"),
    "next_action_at": gettext_lazy("Next action"),
}


# --- the list ---------------------------------------------------------------------------------


def _customer_filter(request: HttpRequest) -> CustomerFilter:
    """The list's filter form; owner and site choices come from the user's scope only."""
    fs = CustomerFilter(request.GET, queryset=Customer.objects.none(), request=request)
    for name in ("status", "level", "source", "owner", "site"):
        field = fs.form.fields[name]
        field.empty_label = _("All")
        field.widget.choices = field.choices
    return fs


def _filtered_customers(request: HttpRequest, *, in_pool: bool | None = None) -> tuple[CustomerFilter, Any]:
    """The scoped, filtered, searched and ordered list the page and the export share."""
    fs = _customer_filter(request)
    if not fs.form.is_valid():
        return fs, Customer.objects.none()
    cleaned = dict(fs.form.cleaned_data)
    chosen_pool = cleaned.pop("in_pool", None)
    return fs, selectors.customer_list(
        user=request.user,
        search=request.GET.get("search", ""),
        in_pool=in_pool if in_pool is not None else chosen_pool,
        filters=CustomerFilter.to_lookups(cleaned),
        ordering=request.GET.get("ordering", "-created_at"),
    )


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    fs, customers = _filtered_customers(request)
    page = paginate(request, customers)
    return render(
        request,
        "customers/list.html",
        {
            "filter": fs,
            "form": fs.form,
            "page": page,
            "search": request.GET.get("search", ""),
            "ordering": request.GET.get("ordering", "-created_at"),
            "orderings": SORTABLE,
            "can_export": can(request.user, "customer.export"),
        },
    )


@login_required
@require_GET
@web_errors
def customer_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV or XLSX: managers only, audited (same service as the API)."""
    require_can(request, "customer.export")
    fs, customers = _filtered_customers(request)
    fmt = request.GET.get("format", "")
    if fmt not in exports.FORMATS:
        # No file type chosen: the export page, with the list's filters.
        return render(
            request,
            "customers/export.html",
            {"form": fs.form, "search": request.GET.get("search", ""), "count": customers.count()},
        )
    filters = {k: v for k, v in request.GET.items() if k not in ("format", "page")}
    content, filename, mime = exports.export_customers(
        actor=request.user, queryset=customers, fmt=fmt, filters=filters
    )
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- one customer -----------------------------------------------------------------------------


def _scoped_customer(request: HttpRequest, pk: int) -> Customer:
    return get_object_or_404(selectors.customer_queryset(request.user), pk=pk)


def _timeline(request: HttpRequest, customer: Customer) -> list[Activity]:
    return list(
        Activity.objects.visible_to(request.user)
        .filter(customer=customer)
        .select_related("user")
        .order_by("-occurred_at", "-id")[:TIMELINE_LIMIT]
    )


def _detail_context(request: HttpRequest, customer: Customer, **extra: Any) -> dict[str, Any]:
    user = request.user
    allowed = available_actions(user, customer)
    context = {
        "customer": customer,
        "can": allowed,
        "interests": [i.name for i in customer.interests.all()],
        "activities": _timeline(request, customer),
        "timeline_limit": TIMELINE_LIMIT,
        "history": history_rows(user=request.user, customer=customer),
        "followup_form": ActivityForm() if allowed["follow_up"] else None,
        "transfer_form": TransferForm(user=user, customer=customer) if allowed["transfer"] else None,
        "release_form": ReleaseForm() if allowed["release"] else None,
        "deadline": customer.idle_deadline() if customer.owner_id and not customer.in_pool else None,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _scoped_customer(request, pk)
    return render(request, "customers/detail.html", _detail_context(request, customer))


@login_required
@require_POST
@web_errors
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The inline follow-up form: with htmx the form and timeline are swapped in place."""
    customer = _scoped_customer(request, pk)
    require_can(request, "customer.follow_up", customer)
    form = ActivityForm(request.POST)
    created = None
    if form.is_valid():
        try:
            created = sales_services.activity_create(
                actor=request.user, customer=customer, **form.service_kwargs()
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
    if created is not None:
        if not is_htmx(request):
            messages.success(request, _("Follow-up recorded."))
            return redirect("customers:detail", pk=customer.pk)
        form = ActivityForm()
        customer = _scoped_customer(request, pk)
    if not is_htmx(request):
        return render(
            request, "customers/detail.html", _detail_context(request, customer, followup_form=form)
        )
    return render(
        request,
        "customers/_followup.html",
        {
            "customer": customer,
            "followup_form": form,
            "activities": _timeline(request, customer),
            "timeline_limit": TIMELINE_LIMIT,
            "just_created": created,
            "can": {"follow_up": True},
        },
    )


def _back(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """To ``next`` when it is a local URL, else to the customer if still visible, else the list."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    if selectors.customer_queryset(request.user).filter(pk=customer_pk).exists():
        return redirect("customers:detail", pk=customer_pk)
    return redirect("customers:list")


def _customer_action(
    request: HttpRequest, pk: int, action: str, perform: Callable[[Customer], str]
) -> HttpResponse:
    """A button on a customer: scoped fetch (404), policy check (403), the service call in
    ``perform`` (its success message shown), its refusal shown as a message, then back."""
    customer = _scoped_customer(request, pk)
    require_can(request, f"customer.{action}", customer)
    with errors_as_messages(request):
        messages.success(request, perform(customer))
    return _back(request, customer.pk)


@login_required
@require_POST
@web_errors
def customer_release(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(customer: Customer) -> str:
        form = ReleaseForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.customer_release(actor=request.user, customer=customer, reason=reason)
        return _("%(name)s is now in the public pool.") % {"name": customer.name}

    return _customer_action(request, pk, "release", perform)


@login_required
@require_POST
@web_errors
def customer_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(customer: Customer) -> str:
        form = TransferForm(request.POST, user=request.user, customer=customer)
        if not form.is_valid():
            raise ValidationFailed({"owner": [_("Choose a colleague who works at this site.")]})
        new_owner = form.cleaned_data["owner"]
        services.customer_transfer(actor=request.user, customer=customer, new_owner=new_owner)
        return _("%(name)s now belongs to %(owner)s.") % {
            "name": customer.name,
            "owner": new_owner.display_name,
        }

    return _customer_action(request, pk, "transfer", perform)


@login_required
@require_POST
@web_errors
def customer_claim(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(customer: Customer) -> str:
        services.customer_claim(actor=request.user, customer=customer)
        return _("You now own %(name)s.") % {"name": customer.name}

    return _customer_action(request, pk, "claim", perform)


# --- create and edit --------------------------------------------------------------------------


def _conflict_to_form(form: CustomerForm, exc: Conflict) -> None:
    if exc.code == "duplicate_customer":
        form.add_error(
            "phone",
            _("This phone number is already registered by %(owner)s (%(phone)s).")
            % {"owner": exc.extra.get("owner_name", ""), "phone": exc.extra.get("phone", "")},
        )
    else:
        form.add_error(None, exc.detail)


@login_required
@web_errors
def customer_create(request: HttpRequest) -> HttpResponse:
    require_can(request, "customer.create", None)
    form = CustomerForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(
                actor=request.user,
                site=form.cleaned_data["site"],
                data=form.service_data(),
                owner=form.cleaned_data.get("owner"),
                interests=form.tags(),
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            _conflict_to_form(form, exc)
        else:
            messages.success(request, _("Customer %(name)s registered.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@login_required
@web_errors
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _scoped_customer(request, pk)
    require_can(request, "customer.update", customer)
    form = CustomerForm(
        request.POST if request.method == "POST" else None, user=request.user, instance=customer
    )
    if request.method == "POST" and form.is_valid():
        new_owner = form.cleaned_data.get("owner") if "owner" in form.fields else None
        try:
            with transaction.atomic():
                services.customer_update(
                    actor=request.user, customer=customer, data=form.service_data(), interests=form.tags()
                )
                if new_owner is not None and new_owner.pk != customer.owner_id:
                    services.customer_transfer(actor=request.user, customer=customer, new_owner=new_owner)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            _conflict_to_form(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


# --- the public pool --------------------------------------------------------------------------


@login_required
@require_GET
def pool(request: HttpRequest) -> HttpResponse:
    """Pool customers of the user's sites, masked, with claim buttons and today's claims left."""
    user = request.user
    customers = selectors.customer_list(user=user, search=request.GET.get("search", ""), in_pool=True)
    page = paginate(request, customers)
    claim_quota = []
    if user.is_frontline:
        for site in Site.objects.visible_to(user).filter(is_active=True):
            used = services.claims_today(user, site)
            claim_quota.append(
                {"site": site, "used": used, "limit": site.pool_claims_per_day,
                 "left": max(site.pool_claims_per_day - used, 0)}
            )  # fmt: skip
    rows = [(c, can(user, "customer.claim", c)) for c in page.object_list]
    return render(
        request,
        "customers/pool.html",
        {
            "page": page,
            "rows": rows,
            "claim_quota": claim_quota,
            "search": request.GET.get("search", ""),
            "pool_url": reverse("customers:pool"),
        },
    )
