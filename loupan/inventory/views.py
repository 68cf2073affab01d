"""Inventory pages: projects, buildings, the building form with its unit template, and the
sales-control grid (销控表) that refreshes itself every few seconds.

Thin views: rows come from ``visible_to`` (out of scope = 404), buttons from
``can(user, action, obj)``, writes from the services (typed errors shown on the page).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import ValidationFailed
from loupan.core.policy import can
from loupan.core.views import add_service_errors, errors_as_messages, errors_on_form, require_can, web_errors

from . import selectors, services
from .choices import UnitStatus
from .forms import (
    BuildingForm,
    PriceListForm,
    PriceUploadForm,
    ProjectForm,
    StackFormSet,
    UnitForm,
    template_from,
)
from .models import Building, PriceList, Project, Unit
from .price_files import read_price_file

POLL_SECONDS = 5


# --- projects and buildings -------------------------------------------------------------------


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list(user=request.user)
    return render(
        request,
        "inventory/project_list.html",
        {"projects": projects, "can_create": can(request.user, "inventory.manage")},
    )


@login_required
@web_errors
def project_create(request: HttpRequest) -> HttpResponse:
    require_can(request, "inventory.manage")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, data=form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project %(name)s created.") % {"name": project.name})
            return redirect("inventory:project", pk=project.pk)
    return render(request, "inventory/project_form.html", {"form": form})


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's buildings with their unit counts and sell-through."""
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    buildings = list(selectors.building_list(user=request.user, project=project).order_by("name"))
    return render(
        request,
        "inventory/building_list.html",
        {
            "project": project,
            "buildings": buildings,
            "can_manage": can(request.user, "inventory.manage", project),
        },
    )


@login_required
@web_errors
def building_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A building and its units from a template: floors x stacks, a layout and area per stack."""
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    require_can(request, "inventory.manage", project)
    posted = request.POST if request.method == "POST" else None
    form = BuildingForm(posted, initial={"first_floor": 1})
    stacks = StackFormSet(posted, prefix="stacks")
    if posted is not None and form.is_valid() and stacks.is_valid():
        try:
            building = services.building_create(
                actor=request.user, project=project, name=form.cleaned_data["name"],
                floors=form.cleaned_data["floors"], template=template_from(form, stacks),
            )  # fmt: skip
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Building %(name)s created with %(n)d units.")
                % {"name": building.name, "n": building.units.count()},
            )
            return redirect("inventory:grid", pk=building.pk)
    return render(
        request, "inventory/building_form.html", {"project": project, "form": form, "stacks": stacks}
    )


# --- the sales-control grid -------------------------------------------------------------------


def _scoped_building(request: HttpRequest, pk: int) -> Building:
    return get_object_or_404(Building.objects.visible_to(request.user).select_related("project"), pk=pk)


def subscribe_url(unit_id: int) -> str | None:
    """Where to subscribe a unit, when the deal pages exist (``sales:subscription_create``)."""
    try:
        return f"{reverse('sales:subscription_create')}?unit={unit_id}"
    except NoReverseMatch:
        return None


def _grid_context(request: HttpRequest, building: Building) -> dict[str, Any]:
    grid = selectors.building_grid(building)
    manages = can(request.user, "inventory.manage", building)
    return {
        "building": building,
        "grid": grid,
        "legend": [(status, label, grid.counts.get(status, 0)) for status, label in UnitStatus.choices],
        "can_manage": manages,
        "poll_seconds": POLL_SECONDS,
        "refreshed_at": timezone.localtime(),
    }


def _unit_panel_context(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    user = request.user
    available = unit.status == UnitStatus.AVAILABLE
    return {
        "unit": unit,
        "can_hold": available and can(user, "unit.hold", unit),
        "can_release": unit.status == UnitStatus.HELD and can(user, "unit.release", unit),
        "can_edit": can(user, "inventory.manage", unit),
        "subscribe_url": subscribe_url(unit.pk) if available else None,
    }


@login_required
@require_GET
def building_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The 销控表 of a building; ``?unit=ID`` opens that unit's panel (without JavaScript too)."""
    building = _scoped_building(request, pk)
    context = _grid_context(request, building)
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        unit = Unit.objects.filter(building=building, pk=int(unit_id)).first()
        if unit is not None:
            context.update(_unit_panel_context(request, unit))
    return render(request, "inventory/grid.html", context)


@login_required
@require_GET
def grid_body(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid's body alone, polled by htmx every few seconds."""
    building = _scoped_building(request, pk)
    return render(request, "inventory/_grid_body.html", _grid_context(request, building))


@login_required
@require_GET
def unit_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's details and the actions the user may take on it (loaded on click)."""
    unit = get_object_or_404(
        Unit.objects.visible_to(request.user).select_related("building", "held_by"), pk=pk
    )
    return render(request, "inventory/_unit_panel.html", _unit_panel_context(request, unit))


def _unit_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    require_can(request, f"unit.{action}", unit)
    reason = request.POST.get("reason", "")[:200]
    with errors_as_messages(request):
        if action == "hold":
            services.unit_hold(actor=request.user, unit=unit, reason=reason)
            messages.success(request, _("Unit %(number)s is held.") % {"number": unit.number})
        else:
            services.unit_release(actor=request.user, unit=unit, reason=reason)
            messages.success(request, _("Unit %(number)s is on sale again.") % {"number": unit.number})
    return redirect(f"{reverse('inventory:grid', args=[unit.building_id])}?unit={unit.pk}")


@login_required
@require_POST
@web_errors
def unit_hold(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_action(request, pk, "hold")


@login_required
@require_POST
@web_errors
def unit_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_action(request, pk, "release")


# --- price lists ------------------------------------------------------------------------------


@login_required
@web_errors
def price_lists(request: HttpRequest, pk: int) -> HttpResponse:
    """A building's price list versions; managers add a version and activate one."""
    building = _scoped_building(request, pk)
    manages = can(request.user, "inventory.manage", building)
    form = PriceListForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require_can(request, "inventory.manage", building)
        if form.is_valid():
            numbers = list(building.units.values_list("number", flat=True))
            try:
                created = services.price_list_create(
                    actor=request.user, building=building, prices=form.prices_for(numbers),
                    floor_premiums=form.cleaned_data["floor_premiums"], note=form.cleaned_data["note"],
                )  # fmt: skip
            except ValidationFailed as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Price list version %(v)d saved.") % {"v": created.version})
                return redirect("inventory:price_lists", pk=building.pk)
    return render(
        request,
        "inventory/price_lists.html",
        {"building": building, "versions": selectors.price_lists(building=building), "can_manage": manages,
         "form": form if manages else None},
    )  # fmt: skip


@login_required
@require_POST
@web_errors
def price_list_activate(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    building = _scoped_building(request, pk)
    price_list = get_object_or_404(PriceList.objects.filter(building=building), version=version)
    require_can(request, "inventory.manage", building)
    with errors_as_messages(request):
        services.price_list_activate(actor=request.user, price_list=price_list)
        messages.success(request, _("Version %(v)d is active; the units are repriced.") % {"v": version})
    return redirect("inventory:price_lists", pk=building.pk)


# --- edits: a project, a unit, a price list from a file -------------------------------------------


@login_required
@web_errors
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    require_can(request, "inventory.manage", project)
    initial = {k: getattr(project, k) for k in ("name", "city", "district", "address")}
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, data=form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect("inventory:project", pk=project.pk)
    return render(request, "inventory/project_form.html", {"form": form, "project": project})


@login_required
@web_errors
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's number, layout, area and price; number, floor, area and prices are fixed in a deal."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user).select_related("building__project"), pk=pk)
    require_can(request, "inventory.manage", unit)
    in_deal = unit.status not in (UnitStatus.AVAILABLE, UnitStatus.HELD)
    locked = frozenset(services.DEAL_LOCKED_FIELDS) if in_deal else frozenset()
    initial = {name: getattr(unit, name) for name in UnitForm.base_fields}
    form = UnitForm(request.POST or None, initial=initial, locked=locked)
    if request.method == "POST" and form.is_valid():
        with errors_on_form(form):
            services.unit_update(actor=request.user, unit=unit, data=form.changes())
            messages.success(request, _("Unit %(number)s saved.") % {"number": form.cleaned_data["number"]})
            return redirect(f"{reverse('inventory:grid', args=[unit.building_id])}?unit={unit.pk}")
    return render(request, "inventory/unit_form.html", {"form": form, "unit": unit, "in_deal": in_deal})


@login_required
@web_errors
def price_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A new price list version from an XLSX or CSV file; any row error and nothing is saved."""
    building = _scoped_building(request, pk)
    require_can(request, "inventory.manage", building)
    form = PriceUploadForm(request.POST or None, request.FILES or None)
    row_errors: list[tuple[int, str, str]] = []
    if request.method == "POST" and form.is_valid():
        parsed = read_price_file(form.cleaned_data["file"])
        if parsed.unit_rows:
            parsed.check_units(set(building.units.values_list("number", flat=True)))
        row_errors = parsed.errors
        if not row_errors:
            try:
                created = services.price_list_create(
                    actor=request.user, building=building, prices=parsed.prices,
                    floor_premiums=parsed.floor_premiums, note=form.cleaned_data["note"],
                )  # fmt: skip
            except ValidationFailed as exc:
                row_errors = [(0, field, m) for field, msgs in exc.errors.items() for m in msgs]
            else:
                messages.success(
                    request,
                    _("Price list version %(v)d saved from %(n)d rows; activate it to reprice the units.")
                    % {"v": created.version, "n": parsed.rows},
                )
                return redirect("inventory:price_lists", pk=building.pk)
    return render(
        request, "inventory/price_upload.html", {"building": building, "form": form, "row_errors": row_errors}
    )
