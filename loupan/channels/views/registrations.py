"""Registration pages (渠道报备): the scoped list, the agent's form, 带看确认 and rejection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.masking import mask_phone
from loupan.core.policy import can
from loupan.core.views import add_service_errors, errors_as_messages, paginate, require_can, web_errors

from .. import selectors, services
from ..forms import RegistrationFilterForm, RegistrationForm
from ..models import Registration


@login_required
@require_GET
def registration_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = RegistrationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = selectors.registration_list(user=user, status=data.get("status", ""), search=data.get("search", ""))
    page = paginate(request, qs)
    rows = [
        {
            "r": r,
            "phone": r.phone if can(user, "registration.view_contact", r) else mask_phone(r.phone),
            "can_confirm": r.status == "pending" and can(user, "registration.confirm", r),
            "can_reject": r.status == "pending" and can(user, "registration.reject", r),
        }
        for r in page
    ]
    return render(
        request,
        "channels/registration_list.html",
        {"form": form, "page": page, "rows": rows, "can_register": can(user, "registration.create")},
    )


@login_required
@web_errors
def registration_create(request: HttpRequest) -> HttpResponse:
    require_can(request, "registration.create")
    form = RegistrationForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.registration_create(
                actor=request.user, site=data["site"], customer_name=data["customer_name"],
                phone=data["phone"], notes=data["notes"],
            )  # fmt: skip
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error("phone" if exc.code == "already_protected" else None, exc.detail)
        else:
            messages.success(
                request,
                _("%(name)s is registered; bring them by %(until)s.")
                % {"name": registration.customer_name, "until": f"{registration.protected_until:%Y-%m-%d}"},
            )
            return redirect("channels:registrations")
    return render(request, "channels/registration_form.html", {"form": form})


def _scoped(request: HttpRequest, pk: int) -> Registration:
    return get_object_or_404(Registration.objects.visible_to(request.user), pk=pk)


@login_required
@require_POST
@web_errors
def registration_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _scoped(request, pk)
    require_can(request, "registration.confirm", registration)
    with errors_as_messages(request):
        registration = services.registration_confirm_visit(actor=request.user, registration=registration)
        messages.success(
            request,
            _("Visit confirmed: %(name)s is now %(agent)s's customer.")
            % {"name": registration.customer_name, "agent": registration.agent.display_name},
        )
    return redirect("channels:registrations")


@login_required
@require_POST
@web_errors
def registration_reject(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _scoped(request, pk)
    require_can(request, "registration.reject", registration)
    with errors_as_messages(request):
        services.registration_reject(
            actor=request.user, registration=registration, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Registration rejected."))
    return redirect("channels:registrations")
