"""Writes on connected systems: their service accounts, API tokens and webhooks (admins)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import require
from loupan.org.models import Site, User

from .auth import KEY_PREFIX, hash_key
from .choices import DeliveryStatus, TokenScope, WebhookEvent
from .models import IntegrationSystem, SystemToken, Webhook, WebhookDelivery


@transaction.atomic
def system_create(*, actor: Any, name: str, description: str = "") -> IntegrationSystem:
    """Register a connected system (finance, HR, OA...) with its own service account.

    The account has no password and no sites: it can act only through the system's tokens,
    whose scopes and sites decide what it may reach.
    """
    require(actor, "exchange.manage_systems")
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationFailed({"name": [_("A name of at most 60 characters is required.")]})
    if IntegrationSystem.objects.filter(name=name).exists():
        raise ValidationFailed({"name": [_("This name is already taken.")]})
    base = f"system-{slugify(name) or 'x'}"[:140]
    username = base
    while User.objects.filter(username=username).exists():
        username = f"{base}-{secrets.token_hex(3)}"
    label = (_("System: %(name)s") % {"name": name})[:60]
    account = User(username=username, full_name=label, role="site_manager")
    account.set_unusable_password()
    account.save()
    system = IntegrationSystem.objects.create(name=name, description=description[:200], account=account)
    audit_record(actor=actor, action="create", obj=system, changes={"name": [None, name]})
    return system


def _clean_scopes(scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in TokenScope.values]
    if unknown or not scopes:
        raise ValidationFailed({"scopes": [_("Choose at least one of the known scopes.")]})
    return sorted(set(scopes))


@transaction.atomic
def system_token_create(
    *,
    actor: Any,
    system: IntegrationSystem,
    name: str,
    scopes: list[str],
    sites: list[Site] | None = None,
    expires_at: dt.datetime | None = None,
) -> tuple[SystemToken, str]:
    """Make an API token for a system; returns ``(token, key)``. The key is shown once and
    only its SHA-256 is kept. No ``sites``: every site; else only those sites' data."""
    require(actor, "exchange.manage_systems")
    name = (name or "").strip()[:60]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("A name is required.")]
    try:
        scopes = _clean_scopes(list(scopes or []))
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("The expiry must be in the future.")]
    if errors:
        raise ValidationFailed(errors)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = SystemToken.objects.create(
        system=system, name=name, prefix=key[:12], key_hash=hash_key(key), scopes=scopes,
        expires_at=expires_at, created_by=actor,
    )  # fmt: skip
    if sites:
        token.sites.set(sites)
    audit_record(
        actor=actor, action="create", obj=token,
        changes={"name": [None, name], "scopes": [None, scopes], "sites": [None, sorted(s.pk for s in sites or [])],
                 "expires_at": [None, expires_at.isoformat() if expires_at else None]},
    )  # fmt: skip
    return token, key


@transaction.atomic
def system_token_revoke(*, actor: Any, token: SystemToken) -> SystemToken:
    """Revoke a token: it stops working at once."""
    require(actor, "exchange.manage_systems")
    token = SystemToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise Conflict("already_revoked", _("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="revoke", obj=token, changes={"revoked_at": [None, token.revoked_at.isoformat()]}
    )
    return token


@transaction.atomic
def webhook_create(
    *, actor: Any, system: IntegrationSystem, url: str, events: list[str], sites: list[Site] | None = None
) -> Webhook:
    """Subscribe a system to events, delivered to ``url`` and signed with a new secret."""
    require(actor, "exchange.manage_systems")
    errors: dict[str, list[str]] = {}
    if not url or not url.startswith(("http://", "https://")) or len(url) > 300:
        errors["url"] = [_("Enter an http:// or https:// address.")]
    events = sorted(set(events or []))
    if not events or any(e not in WebhookEvent.values for e in events):
        errors["events"] = [_("Choose at least one of the known events.")]
    if errors:
        raise ValidationFailed(errors)
    webhook = Webhook.objects.create(system=system, url=url, events=events, secret=secrets.token_hex(32))
    if sites:
        webhook.sites.set(sites)
    audit_record(
        actor=actor, action="create", obj=webhook, changes={"url": [None, url], "events": [None, events]}
    )
    return webhook


@transaction.atomic
def webhook_set_active(*, actor: Any, webhook: Webhook, active: bool) -> Webhook:
    """Pause or resume a webhook (a paused one records no new deliveries)."""
    require(actor, "exchange.manage_systems")
    if webhook.is_active != active:
        webhook.is_active = active
        webhook.save(update_fields=["is_active"])
        audit_record(actor=actor, action="update", obj=webhook, changes={"is_active": [not active, active]})
    return webhook


@transaction.atomic
def delivery_redeliver(*, actor: Any, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (after a fix on the receiving side): it is due now, with a
    fresh set of attempts. A delivery being sent right now cannot be redelivered."""
    require(actor, "exchange.manage_systems")
    moved = (
        WebhookDelivery.objects.filter(pk=delivery.pk)
        .exclude(status=DeliveryStatus.SENDING)
        .update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
    )
    if not moved:
        raise Conflict("delivery_in_progress", _("This delivery is being sent right now."))
    audit_record(actor=actor, action="redeliver", obj=delivery, detail={"event": delivery.event_id})
    from .tasks import dispatch_deliveries

    transaction.on_commit(dispatch_deliveries)
    delivery.refresh_from_db()
    return delivery


__all__ = [
    "delivery_redeliver",
    "system_create",
    "system_token_create",
    "system_token_revoke",
    "webhook_create",
    "webhook_set_active",
]
