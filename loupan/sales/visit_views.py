"""Reception pages: the desk (来访登记, phone first), the rotation (接待轮序) and the visit list.

Thin views: sites and visits come from scoped querysets (out of scope = 404), buttons are
backed by ``can(user, action, site)``, writes by :mod:`loupan.sales.services` whose typed
errors are shown on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import can
from loupan.core.views import add_service_errors, is_htmx, paginate, require_can, web_errors
from loupan.org.models import Site, User

from . import services
from .models import Visit
from .visit_forms import VisitForm, desk_sites
from .visit_selectors import reception_state, rotation_candidates, visit_just_registered, visit_preview
from .worklogs import day_bounds, parse_date


def _site(request: HttpRequest, raw: str | None = None) -> Site | None:
    """The site named by ``?site=`` among the user's sites (404 outside them); the only one
    when the user has a single site; else None (the page asks)."""
    sites = desk_sites(request.user)
    raw = raw if raw is not None else (request.GET.get("site") or request.POST.get("site") or "")
    if raw:
        if not str(raw).isdigit():
            raise Http404
        return get_object_or_404(sites, pk=raw)
    only = list(sites[:2])
    return only[0] if len(only) == 1 else None


def _todays_visits(request: HttpRequest, site: Site) -> list[Visit]:
    start, end = day_bounds(timezone.localdate())
    return list(
        Visit.objects.visible_to(request.user)
        .filter(site=site, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("customer", "assigned_to")
        .order_by("-occurred_at", "-id")[:50]
    )


@login_required
@web_errors
def visit_desk(request: HttpRequest) -> HttpResponse:
    """The reception desk: phone first, a quick form, who receives the visitor."""
    site = _site(request)
    if site is None:
        return render(request, "sales/visit_desk.html", {"sites": desk_sites(request.user), "site": None})
    require_can(request, "visit.register", site)
    form = VisitForm(request.POST if request.method == "POST" else None)
    registered = None
    if request.method == "POST" and form.is_valid():
        try:
            registered = services.visit_register(actor=request.user, site=site, **form.service_kwargs())
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error("phone" if exc.code == "duplicate_customer" else None, exc.detail)
        else:
            messages.success(
                request,
                _("%(kind)s registered: %(name)s receives the visitor.")
                % {"kind": registered.get_kind_display(), "name": registered.assigned_to.display_name},
            )
            return redirect(f"{request.path}?site={site.pk}&visit={registered.pk}")
    raw_visit = request.GET.get("visit", "")
    last = (
        visit_just_registered(user=request.user, site=site, pk=int(raw_visit))
        if raw_visit.isdigit()
        else None
    )
    context = {
        "site": site,
        "sites": desk_sites(request.user),
        "form": form,
        "state": reception_state(site=site),
        "visits": _todays_visits(request, site),
        "last": last,
        "can_manage": can(request.user, "reception.manage", site),
    }
    return render(request, "sales/visit_desk.html", context)


@login_required
@require_GET
@web_errors
def visit_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: who would receive this phone (owner or rotation), before the form is sent.
    Names nothing beyond what a duplicate warning would: the masked phone and the owner."""
    site = _site(request)
    if site is None:
        raise Http404
    require_can(request, "visit.register", site)
    preview = visit_preview(site=site, phone=request.GET.get("phone", ""))
    return render(request, "sales/_visit_lookup.html", {"preview": preview, "site": site})


@login_required
@web_errors
def visit_rotation(request: HttpRequest) -> HttpResponse:
    """The site manager's page: order the rotation, say who is on duty, add and remove people."""
    site = _site(request)
    if site is None:
        sites = [s for s in desk_sites(request.user) if can(request.user, "reception.manage", s)]
        return render(request, "sales/visit_rotation.html", {"sites": sites, "site": None})
    require_can(request, "reception.manage", site)
    state = reception_state(site=site)
    in_queue = {row["user"].pk for row in state["rows"]}
    others = [u for u in rotation_candidates(site=site) if u.pk not in in_queue]
    return render(request, "sales/visit_rotation.html", {"site": site, "state": state, "others": others})


_ACTIONS = {
    "up": lambda actor, site, user: services.reception_slot_move(actor=actor, site=site, user=user, step=-1),
    "down": lambda actor, site, user: services.reception_slot_move(actor=actor, site=site, user=user, step=1),
    "on_duty": lambda actor, site, user: services.reception_duty_set(
        actor=actor, site=site, user=user, on_duty=True
    ),
    "off_duty": lambda actor, site, user: services.reception_duty_set(
        actor=actor, site=site, user=user, on_duty=False
    ),
    "add": lambda actor, site, user: services.reception_slot_add(actor=actor, site=site, user=user),
    "remove": lambda actor, site, user: services.reception_slot_remove(actor=actor, site=site, user=user),
}


@login_required
@require_POST
@web_errors
def visit_rotation_action(request: HttpRequest, site_pk: int) -> HttpResponse:
    """One button of the rotation page; with htmx the rotation table is swapped in place."""
    site = _site(request, str(site_pk))
    require_can(request, "reception.manage", site)
    if request.POST.get("action") == "add_all":
        added = services.reception_slot_add_all(actor=request.user, site=site)
        messages.success(request, _("%(n)d added to the rotation.") % {"n": len(added)})
        return redirect(f"{reverse('sales:visit_rotation')}?site={site.pk}")
    action = _ACTIONS.get(request.POST.get("action", ""))
    raw_user = request.POST.get("user", "")
    if action is None or not raw_user.isdigit():
        raise Http404
    user = get_object_or_404(User.objects.visible_to(request.user), pk=raw_user)
    try:
        action(request.user, site, user)
    except (ValidationFailed, Conflict) as exc:
        messages.error(
            request, " ".join(m for ms in getattr(exc, "errors", {"": [exc.detail]}).values() for m in ms)
        )
    if is_htmx(request):
        return render(
            request, "sales/_rotation_table.html", {"site": site, "state": reception_state(site=site)}
        )
    return redirect(f"{reverse('sales:visit_rotation')}?site={site.pk}")


@login_required
@require_GET
@web_errors
def visit_list(request: HttpRequest) -> HttpResponse:
    """Walk-ins in the user's scope, newest first; ``?date=`` one day, ``?site=`` one site."""
    qs = Visit.objects.visible_to(request.user).select_related(
        "customer", "site", "assigned_to", "registered_by"
    )
    site = _site(request) if request.GET.get("site") else None
    if site is not None:
        qs = qs.filter(site=site)
    date = None
    if request.GET.get("date"):
        try:
            date = parse_date(request.GET["date"])
        except ValidationFailed:
            date = None
            messages.error(request, _("Enter a date as YYYY-MM-DD."))
        else:
            start, end = day_bounds(date)
            qs = qs.filter(occurred_at__gte=start, occurred_at__lt=end)
    page = paginate(request, qs.order_by("-occurred_at", "-id"))
    return render(
        request,
        "sales/visit_list.html",
        {"page": page, "site": site, "sites": desk_sites(request.user), "date": date},
    )
