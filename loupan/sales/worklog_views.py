"""Work log pages (工作日志): my day with my notes, a person's days over a range, the team's day.

The numbers come from :mod:`loupan.sales.worklogs` over the reader's data scope; another
person's log is 404 unless the reader may see them (``User.objects.visible_to``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import NotFound, ValidationFailed
from loupan.core.policy import can
from loupan.core.views import paginate, web_errors
from loupan.org.models import Site

from . import services, worklogs
from .visit_forms import NoteForm


def _date(request: HttpRequest, name: str = "date", default: dt.date | None = None) -> dt.date:
    try:
        return worklogs.parse_date(request.GET.get(name), name, default=default)
    except ValidationFailed:
        messages.error(request, _("Enter a date as YYYY-MM-DD."))
        return default or timezone.localdate()


def _person(request: HttpRequest):  # noqa: ANN202
    try:
        return worklogs.worklog_user(reader=request.user, user_id=request.GET.get("user"))
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
@web_errors
def worklog_day(request: HttpRequest) -> HttpResponse:
    """One person's day (default: mine, today), with my notes form when it is my today."""
    person = _person(request)
    date = _date(request)
    log = worklogs.worklog_day(reader=request.user, user=person, date=date)
    own_today = person.pk == request.user.pk and date == timezone.localdate()
    form = NoteForm(initial={"text": log.note.text if log.note else ""}) if own_today else None
    return render(
        request,
        "sales/worklog_day.html",
        {
            "log": log, "person": person, "date": date, "form": form, "own": person.pk == request.user.pk,
            "prev": date - dt.timedelta(days=1), "next": date + dt.timedelta(days=1),
            "today": timezone.localdate(), "is_team_reader": can(request.user, "worklog.team"),
        },
    )  # fmt: skip


@login_required
@require_POST
@web_errors
def worklog_note(request: HttpRequest) -> HttpResponse:
    """Save my notes for today."""
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.worklog_note_set(actor=request.user, text=form.cleaned_data["text"])
        except ValidationFailed as exc:
            messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        else:
            messages.success(request, _("Work log saved."))
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect("sales:worklog_day")


@login_required
@require_GET
@web_errors
def worklog_range(request: HttpRequest) -> HttpResponse:
    """One person's days over a range (default: this month up to today), with totals."""
    person = _person(request)
    date_to = _date(request, "date_to")
    date_from = _date(request, "date_from", default=date_to.replace(day=1))
    try:
        data = worklogs.worklog_range(reader=request.user, user=person, date_from=date_from, date_to=date_to)
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        date_from, date_to = date_to.replace(day=1), date_to
        data = worklogs.worklog_range(reader=request.user, user=person, date_from=date_from, date_to=date_to)
    prev_month_end = date_from.replace(day=1) - dt.timedelta(days=1)
    return render(
        request,
        "sales/worklog_range.html",
        {
            "person": person, "data": data, "date_from": date_from, "date_to": date_to,
            "prev_from": prev_month_end.replace(day=1), "prev_to": prev_month_end,
            "week_from": date_to - dt.timedelta(days=6),
        },
    )  # fmt: skip


@login_required
@require_GET
@web_errors
def worklog_team(request: HttpRequest) -> HttpResponse:
    """The team's day: one row per salesperson the reader may see (optionally one site)."""
    date = _date(request)
    sites = Site.objects.visible_to(request.user).filter(is_active=True).order_by("code")
    site = None
    if request.GET.get("site", "").isdigit():
        site = get_object_or_404(sites, pk=request.GET["site"])
    page = paginate(request, worklogs.worklog_team_users(reader=request.user, site=site))
    rows = worklogs.worklog_team(reader=request.user, users=list(page.object_list), date=date)
    return render(
        request,
        "sales/worklog_team.html",
        {
            "rows": rows, "page": page, "date": date, "site": site, "sites": sites,
            "prev": date - dt.timedelta(days=1), "next": date + dt.timedelta(days=1),
            "day_url": reverse("sales:worklog_day"), "today": timezone.localdate(),
        },
    )  # fmt: skip
