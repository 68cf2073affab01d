"""Connected systems pages (admins): tokens (key shown once), webhooks, deliveries, redelivery."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loupan.core.errors import ValidationFailed
from loupan.core.views import add_service_errors, errors_as_messages, require_can, web_errors

from . import integration
from .forms import SystemForm, TokenForm, WebhookForm
from .models import IntegrationSystem, SystemToken, Webhook, WebhookDelivery

SHOWN_DELIVERIES = 50


@login_required
@web_errors
def system_list(request: HttpRequest) -> HttpResponse:
    require_can(request, "exchange.manage_systems")
    form = SystemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            system = integration.system_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            return redirect("exchange:system", pk=system.pk)
    systems = IntegrationSystem.objects.order_by("name")
    return render(request, "exchange/system_list.html", {"form": form, "systems": systems})


@login_required
@web_errors
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_can(request, "exchange.manage_systems")
    system = get_object_or_404(IntegrationSystem, pk=pk)
    token_form = TokenForm(request.POST if "new_token" in request.POST else None, prefix="token")
    hook_form = WebhookForm(request.POST if "new_webhook" in request.POST else None, prefix="hook")
    new_key = None
    if request.method == "POST" and "new_token" in request.POST and token_form.is_valid():
        data = token_form.cleaned_data
        expires = data["expires_on"]
        expires_at = timezone.make_aware(dt.datetime.combine(expires, dt.time.max)) if expires else None
        try:
            _token, new_key = integration.system_token_create(
                actor=request.user, system=system, name=data["name"], scopes=data["scopes"],
                sites=list(data["sites"]), expires_at=expires_at,
            )  # fmt: skip
        except ValidationFailed as exc:
            add_service_errors(token_form, exc, aliases={"expires_at": "expires_on"})
        else:
            token_form = TokenForm(prefix="token")
    if request.method == "POST" and "new_webhook" in request.POST and hook_form.is_valid():
        try:
            integration.webhook_create(actor=request.user, system=system, **{**hook_form.cleaned_data,
                                       "sites": list(hook_form.cleaned_data["sites"])})  # fmt: skip
        except ValidationFailed as exc:
            add_service_errors(hook_form, exc)
        else:
            messages.success(request, _("Webhook added."))
            return redirect("exchange:system", pk=system.pk)
    deliveries = (
        WebhookDelivery.objects.filter(webhook__system=system)
        .select_related("event", "webhook")
        .order_by("-created_at", "-id")[:SHOWN_DELIVERIES]
    )
    context = {
        "system": system, "token_form": token_form, "hook_form": hook_form, "new_key": new_key,
        "tokens": system.tokens.prefetch_related("sites"), "webhooks": system.webhooks.prefetch_related("sites"),
        "deliveries": deliveries, "now": timezone.now(),
    }  # fmt: skip
    return render(request, "exchange/system_detail.html", context)


@login_required
@require_POST
@web_errors
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require_can(request, "exchange.manage_systems")
    token = get_object_or_404(SystemToken, pk=pk)
    with errors_as_messages(request):
        integration.system_token_revoke(actor=request.user, token=token)
        messages.success(request, _("Token revoked."))
    return redirect("exchange:system", pk=token.system_id)


@login_required
@require_POST
@web_errors
def webhook_pause(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause a webhook (its events are not queued for the system) or resume it."""
    require_can(request, "exchange.manage_systems")
    webhook = get_object_or_404(Webhook, pk=pk)
    active = request.POST.get("active") == "1"
    integration.webhook_set_active(actor=request.user, webhook=webhook, active=active)
    messages.success(request, _("Webhook resumed.") if active else _("Webhook paused."))
    return redirect("exchange:system", pk=webhook.system_id)


@login_required
@require_POST
@web_errors
def delivery_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    require_can(request, "exchange.manage_systems")
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("webhook"), pk=pk)
    with errors_as_messages(request):
        integration.delivery_redeliver(actor=request.user, delivery=delivery)
        messages.success(request, _("The event will be sent again."))
    return redirect("exchange:system", pk=delivery.webhook.system_id)
