"""Framework pages: login, logout, the home page, the audit log; helpers for thin views."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import audit_denied
from .errors import Conflict, NotAllowed, NotFound, ValidationFailed
from .models import AuditEvent
from .policy import can

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


# --- helpers shared by the web views of every app -------------------------------------------


def deny(request: HttpRequest, reason: str = "") -> PermissionDenied:
    """Audit a refused action and return the 403 to raise."""
    audit_denied(request, reason)
    return PermissionDenied(reason)


def require_can(request: HttpRequest, action: str, obj: Any = None) -> None:
    """403 (audited) unless the policy allows ``action`` on ``obj``."""
    if not can(request.user, action, obj):
        raise deny(request, action)


def web_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render typed domain errors that a view did not handle itself: NotAllowed -> 403
    (audited), NotFound -> 404. ValidationFailed and Conflict belong on the page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as exc:
            raise deny(request, exc.detail) from None
        except NotFound:
            raise Http404 from None

    return wrapper


def add_service_errors(
    form: forms.Form, exc: ValidationFailed, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ``{field: [messages]}`` on the form's fields (others on top)."""
    aliases = aliases or {}
    for field, field_messages in exc.errors.items():
        name = aliases.get(field, field)
        target = name if name in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


@contextmanager
def errors_on_form(form: forms.Form, aliases: dict[str, str] | None = None) -> Iterator[None]:
    """Run a service call for a bound form: its ``ValidationFailed`` lands on the fields and a
    ``Conflict`` on top of the form, and the rest of the block (the success path) is skipped."""
    try:
        yield
    except ValidationFailed as exc:
        add_service_errors(form, exc, aliases)
    except Conflict as exc:
        form.add_error(None, exc.detail)


def service_error_text(exc: ValidationFailed) -> str:
    """A service's field errors as one sentence, for a page that has no form to put them on."""
    return " ".join(message for field_messages in exc.errors.values() for message in field_messages)


@contextmanager
def errors_as_messages(request: HttpRequest) -> Iterator[None]:
    """Run a button's service call: a ``Conflict`` or ``ValidationFailed`` becomes an error
    message on the next page and the rest of the block (the success path) is skipped. The
    same shape as ``errors_on_form``, for POST actions that have no form to show again."""
    try:
        yield
    except ValidationFailed as exc:
        messages.error(request, service_error_text(exc))
    except Conflict as exc:
        messages.error(request, exc.detail)


def paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- pages ------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from loupan.customers import selectors

    user = request.user
    follow_ups = list(selectors.customers_to_follow_up(user=user)[:30])
    about_to_pool = [
        (c, c.idle_deadline())
        for c in selectors.customers_about_to_pool(user=user, warning_days=settings.LOUPAN_POOL_WARNING_DAYS)
    ]
    counts = selectors.home_counts(user=user)
    today_start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    return render(
        request,
        "core/home.html",
        {
            "follow_ups": follow_ups,
            "about_to_pool": about_to_pool,
            "counts": counts,
            "today_start": today_start,
        },
    )


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=40)
    object_id = forms.IntegerField(label=_("Object ID"), required=False, min_value=1)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_can(request, "audit.read")
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"].strip().lower())
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["action"]:
            events = events.filter(action=data["action"].strip())
    elif form.is_bound:
        events = events.none()
    page = paginate(request, events.order_by("-at", "-id"))
    return render(request, "core/audit_log.html", {"form": form, "page": page})
