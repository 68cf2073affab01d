"""Organisation pages: sites, agencies, users. Admins write (``org.manage``); company
managers read (``org.read``); everyone else gets 403. Writes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import ValidationFailed
from loupan.core.views import (
    add_service_errors,
    errors_as_messages,
    errors_on_form,
    paginate,
    require_can,
    web_errors,
)

from . import services
from .choices import Role
from .forms import AgencyForm, DeactivateUserForm, SiteForm, UserForm
from .models import Agency, Site, User


def _form_page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, template, context)


# --- sites ------------------------------------------------------------------------------------


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    require_can(request, "org.read")
    sites = (
        Site.objects.visible_to(request.user)
        .annotate(staff_count=Count("staff", filter=Q(staff__is_active=True), distinct=True))
        .order_by("code")
    )
    return render(request, "org/site_list.html", {"page": paginate(request, sites)})


@login_required
@web_errors
def site_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_can(request, "org.read")
    site = get_object_or_404(Site.objects.visible_to(request.user), pk=pk) if pk else None
    require_can(request, "org.manage")
    form = SiteForm(request.POST if request.method == "POST" else None, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            if site is None:
                site = services.site_create(actor=request.user, data=form.service_data())
            else:
                services.site_update(actor=request.user, site=site, data=form.service_data())
        except ValidationFailed as exc:
            add_service_errors(form, exc, {"pool_after_days_by_status": "pool_days_lead"})
        else:
            messages.success(request, _("Site %(name)s saved.") % {"name": site.name})
            return redirect("org:sites")
    return _form_page(request, "org/site_form.html", form=form, site=site)


# --- agencies ---------------------------------------------------------------------------------


@login_required
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    require_can(request, "org.read")
    agencies = Agency.objects.annotate(
        agent_count=Count("agents", filter=Q(agents__is_active=True), distinct=True)
    ).order_by("-is_active", "name")
    return render(request, "org/agency_list.html", {"page": paginate(request, agencies)})


@login_required
@web_errors
def agency_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_can(request, "org.read")
    agency = get_object_or_404(Agency, pk=pk) if pk else None
    require_can(request, "org.manage")
    form = AgencyForm(request.POST if request.method == "POST" else None, instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            if agency is None:
                agency = services.agency_create(actor=request.user, data=form.cleaned_data)
            else:
                services.agency_update(actor=request.user, agency=agency, data=form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Agency %(name)s saved.") % {"name": agency.name})
            return redirect("org:agencies")
    return _form_page(request, "org/agency_form.html", form=form, agency=agency)


@login_required
@require_POST
@web_errors
def agency_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    require_can(request, "org.read")
    agency = get_object_or_404(Agency, pk=pk)
    require_can(request, "org.manage")
    result = services.agency_deactivate(actor=request.user, agency=agency)
    messages.success(
        request,
        _("Agency %(name)s deactivated; its agents can no longer log in, %(n)d customers went to the pool.")
        % {"name": agency.name, "n": result["released"]},
    )
    return redirect("org:agencies")


# --- users ------------------------------------------------------------------------------------


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    require_can(request, "org.read")
    users = User.objects.visible_to(request.user).select_related("agency").prefetch_related("sites")
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role=role)
    if request.GET.get("active") == "0":
        users = users.filter(is_active=False)
    elif request.GET.get("active") != "all":
        users = users.filter(is_active=True)
    if search := request.GET.get("search", "").strip():
        users = users.filter(Q(username__startswith=search) | Q(full_name__startswith=search))
    return render(
        request,
        "org/user_list.html",
        {
            "page": paginate(request, users.order_by("username")),
            "roles": Role.choices,
            "role": role,
            "active": request.GET.get("active", "1"),
            "search": search,
        },
    )


@login_required
@web_errors
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_can(request, "org.read")
    target = get_object_or_404(User.objects.visible_to(request.user), pk=pk) if pk else None
    require_can(request, "org.manage")
    form = UserForm(request.POST if request.method == "POST" else None, actor=request.user, instance=target)
    if request.method == "POST" and form.is_valid():
        sites = list(form.cleaned_data["sites"])
        password = form.cleaned_data["password"]
        with errors_on_form(form):
            if target is None:
                target = services.user_create(
                    actor=request.user, data=form.service_data(), password=password, sites=sites
                )
            else:
                services.user_update(
                    actor=request.user, user=target, data=form.service_data(), password=password or None,
                    sites=sites,
                )  # fmt: skip
            messages.success(request, _("User %(name)s saved.") % {"name": target.display_name})
            return redirect("org:users")
    deactivate_form = (
        DeactivateUserForm(actor=request.user, user=target)
        if target is not None and target.is_active
        else None
    )
    return _form_page(
        request, "org/user_form.html", form=form, target=target, deactivate_form=deactivate_form
    )


@login_required
@require_POST
@web_errors
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    require_can(request, "org.read")
    target = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    require_can(request, "org.manage")
    form = DeactivateUserForm(request.POST, actor=request.user, user=target)
    if not form.is_valid():
        messages.error(request, _("Choose a colleague who works at the same sites, or the pool."))
        return redirect("org:user_edit", pk=target.pk)
    with errors_as_messages(request):
        result = services.user_deactivate(
            actor=request.user, user=target, hand_to=form.cleaned_data.get("hand_to")
        )
        messages.success(
            request,
            _("%(name)s deactivated; %(n)d customers were handed on.")
            % {"name": target.display_name, "n": result["released"]},
        )
        return redirect("org:users")
    return redirect("org:user_edit", pk=target.pk)
