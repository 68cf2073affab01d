"""Sending webhook deliveries: signed HMAC-SHA256, retried with backoff, every attempt logged.

A delivery is claimed with a compare-and-set (``pending`` -> ``sending``) before it is sent,
so two runners never send it twice. The receiver checks ``X-Loupan-Signature``:
``sha256=`` + hex HMAC-SHA256 of ``"<X-Loupan-Timestamp>." + body`` with the webhook's
secret (see docs/integration.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.utils import timezone

from .choices import DeliveryStatus
from .models import DeliveryAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 6 * 3600
TIMEOUT_SECONDS = 10
STUCK_AFTER = dt.timedelta(minutes=10)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt after ``attempts`` failures: 30 s, 1 min, 2 min... 6 h."""
    return dt.timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def body_of(delivery: WebhookDelivery) -> bytes:
    event = delivery.event
    payload = {
        "id": event.pk,
        "event": event.event,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _send(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        delivery.webhook.url, data=body, method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "Loupan-Webhooks/1",
            "X-Loupan-Event": delivery.event.event, "X-Loupan-Event-Id": str(delivery.event_id),
            "X-Loupan-Delivery": str(delivery.pk), "X-Loupan-Timestamp": timestamp,
            "X-Loupan-Signature": signature(delivery.webhook.secret, timestamp, body),
        },
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - admin-set URL
            return response.status, response.read(500).decode("utf-8", "replace"), ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(500).decode("utf-8", "replace"), f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, "", str(getattr(exc, "reason", exc))[:300]


def deliver_one(delivery_id: int) -> bool:
    """Send one claimed (``sending``) delivery; record the attempt and the next step."""
    delivery = WebhookDelivery.objects.select_related("webhook", "event").get(pk=delivery_id)
    started = time.monotonic()
    status_code, response, error = _send(delivery)
    now = timezone.now()
    ok = status_code is not None and 200 <= status_code < 300
    DeliveryAttempt.objects.create(
        delivery=delivery, at=now, status_code=status_code, error=error[:300], response=response[:500],
        duration_ms=int((time.monotonic() - started) * 1000),
    )  # fmt: skip
    attempts = delivery.attempts + 1
    if ok:
        values = {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
    elif attempts >= MAX_ATTEMPTS:
        values = {"status": DeliveryStatus.FAILED}
    else:
        values = {"status": DeliveryStatus.PENDING, "next_attempt_at": now + backoff(attempts)}
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, last_status_code=status_code, last_error=error[:300], **values
    )
    return ok


def deliver_due(*, now: dt.datetime | None = None, limit: int = 200, **_kwargs) -> int:  # noqa: ANN003
    """Send every delivery that is due; returns how many were sent successfully."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        status=DeliveryStatus.SENDING, next_attempt_at__lt=now - STUCK_AFTER
    ).update(status=DeliveryStatus.PENDING)  # a runner died while sending
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in due:
        claimed = WebhookDelivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, next_attempt_at=timezone.now()
        )
        if not claimed:
            continue  # another runner has it
        try:
            sent += deliver_one(pk)
        except Exception:  # noqa: BLE001 - one bad delivery must not stop the others
            logger.exception("webhook delivery %s failed", pk)
            WebhookDelivery.objects.filter(pk=pk).update(status=DeliveryStatus.PENDING)
    return sent
