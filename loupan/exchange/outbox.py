"""The transactional outbox: domain events become webhook deliveries in the same transaction.

Subscribed to :mod:`loupan.core.events` by the app config. An event nobody subscribed to
writes nothing. The deliveries are sent after the commit (:mod:`loupan.exchange.webhooks`),
so a rolled-back change never announces itself and a committed one is never lost.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import OutboxEvent, Webhook, WebhookDelivery


def _matching(event: str, site_id: Any) -> tuple[list[Webhook], int | None]:
    hooks = [
        w
        for w in Webhook.objects.filter(is_active=True, system__is_active=True).prefetch_related("sites")
        if event in w.events
    ]
    if not hooks:
        return [], None
    site_id = site_id() if callable(site_id) else site_id
    return [w for w in hooks if not (sites := {s.pk for s in w.sites.all()}) or site_id in sites], site_id


def record_event(*, event: str, obj: Any, site_id: Any, data: dict[str, Any]) -> OutboxEvent | None:
    """Write the event and one pending delivery per matching webhook (inside the caller's
    transaction), and ask for a delivery run once that transaction commits. A webhook
    restricted to sites gets the events of those sites only."""
    hooks, site_id = _matching(event, site_id)
    if not hooks:
        return None
    object_type = obj._meta.model_name
    record = OutboxEvent.objects.create(
        event=event, object_type=object_type, object_id=obj.pk, site_id=site_id,
        payload={"object": object_type, "id": obj.pk, "site": site_id, **data}, created_at=timezone.now(),
    )  # fmt: skip
    WebhookDelivery.objects.bulk_create([WebhookDelivery(webhook=w, event=record) for w in hooks])
    from .tasks import dispatch_deliveries

    transaction.on_commit(dispatch_deliveries)
    return record
