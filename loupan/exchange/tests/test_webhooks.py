"""Webhooks against a real HTTP receiver: signature, outbox in the change's transaction,
retry with backoff, no double send, redelivery, site restriction, deal events."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.db import transaction
from django.utils import timezone

from loupan.core.models import AuditEvent
from loupan.customers import services as customers
from loupan.exchange import integration, webhooks
from loupan.exchange.models import DeliveryAttempt, OutboxEvent, WebhookDelivery
from loupan.exchange.tests.receiver import Receiver
from loupan.sales import services as sales

pytestmark = pytest.mark.django_db


def hook(world, url, events=("customer.created",), sites=None):  # noqa: ANN001, ANN201
    system = integration.system_create(actor=world.admin, name=f"CRM-{len(url)}-{events[0]}")
    return integration.webhook_create(
        actor=world.admin, system=system, url=url, events=list(events), sites=sites
    )


def create_customer(world, phone="13800138000", site=None):  # noqa: ANN001, ANN201
    return customers.customer_create(actor=world.s1a if site is None else world.s2a, site=site or world.s1,
                                     data={"name": "张三", "phone": phone})  # fmt: skip


def test_delivered_signed_after_commit(world, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with Receiver() as rx:
        webhook = hook(world, rx.url)
        with django_capture_on_commit_callbacks(execute=True):
            customer = create_customer(world)
            assert rx.received == []  # nothing leaves before the commit
        assert len(rx.received) == 1
    headers, body = rx.received[0]
    expected = hmac.new(
        webhook.secret.encode(), f"{headers['X-Loupan-Timestamp']}.".encode() + body, hashlib.sha256
    )
    assert headers["X-Loupan-Signature"] == "sha256=" + expected.hexdigest()
    assert headers["X-Loupan-Event"] == "customer.created"
    payload = json.loads(body)
    assert payload["event"] == "customer.created" and payload["data"]["id"] == customer.pk
    assert payload["data"]["site"] == world.s1.pk and "phone" not in payload["data"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert DeliveryAttempt.objects.get(delivery=delivery).status_code == 200


def test_rolled_back_change_announces_nothing(world) -> None:  # noqa: ANN001
    hook(world, "http://127.0.0.1:9/never")
    with pytest.raises(RuntimeError), transaction.atomic():
        create_customer(world)
        assert OutboxEvent.objects.count() == 1  # written in the same transaction
        raise RuntimeError
    assert OutboxEvent.objects.count() == 0 and WebhookDelivery.objects.count() == 0


def test_retry_with_backoff_then_delivered_once(world, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with Receiver(statuses=[500, 503]) as rx:
        hook(world, rx.url)
        with django_capture_on_commit_callbacks(execute=True):
            create_customer(world)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
        wait = delivery.next_attempt_at - timezone.now()
        assert dt.timedelta(seconds=25) < wait <= dt.timedelta(seconds=30)
        assert webhooks.deliver_due() == 0 and len(rx.received) == 1  # not due yet
        later = timezone.now() + dt.timedelta(seconds=31)
        assert webhooks.deliver_due(now=later) == 0
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.next_attempt_at - timezone.now() > dt.timedelta(seconds=55)
        assert webhooks.deliver_due(now=later + dt.timedelta(minutes=2)) == 1
        assert webhooks.deliver_due(now=later + dt.timedelta(days=1)) == 0  # no double send
        assert len(rx.received) == 3
    ids = {h["X-Loupan-Event-Id"] for h, _b in rx.received}
    assert len(ids) == 1 and DeliveryAttempt.objects.count() == 3
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_claimed_delivery_is_not_sent_by_another_runner(world) -> None:  # noqa: ANN001
    with Receiver() as rx:
        hook(world, rx.url)
        create_customer(world)
        WebhookDelivery.objects.update(status="sending")  # another runner holds it
        assert webhooks.deliver_due() == 0 and rx.received == []


def test_gives_up_after_max_attempts_and_redelivers_from_the_ui_service(world, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(webhooks, "MAX_ATTEMPTS", 2)
    with Receiver(statuses=[500, 500]) as rx:
        hook(world, rx.url)
        create_customer(world)
        webhooks.deliver_due()
        webhooks.deliver_due(now=timezone.now() + dt.timedelta(hours=1))
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("failed", 2)
        integration.delivery_redeliver(actor=world.admin, delivery=delivery)
        assert webhooks.deliver_due() == 1
    assert len(rx.received) == 3 and WebhookDelivery.objects.get().status == "delivered"
    assert AuditEvent.objects.filter(action="redeliver", object_id=delivery.pk).exists()


def test_site_restricted_webhook_gets_its_sites_only(world) -> None:  # noqa: ANN001
    hook(world, "http://127.0.0.1:9/s2", sites=[world.s2])
    create_customer(world)
    assert WebhookDelivery.objects.count() == 0
    create_customer(world, phone="13900139000", site=world.s2)
    assert WebhookDelivery.objects.count() == 1


def test_deal_workflow_events(world, deals) -> None:  # noqa: ANN001
    every = ["customer.updated", "subscription.created", "contract.signed", "contract.cancelled",
             "payment.received", "unit.status_changed"]  # fmt: skip
    hook(world, "http://127.0.0.1:9/all", events=every)
    customers.customer_update(actor=world.s1a, customer=deals.c1, data={"occupation": "教师"})
    sub = sales.subscription_create(actor=world.sm1, unit=deals.units[0], customer=deals.c1)
    contract = sales.contract_create(actor=world.sm1, subscription=sub, payment_method="full")
    sales.payment_record(actor=world.sm1, contract=contract, amount="1000", method="transfer")
    sales.contract_cancel(actor=world.sm1, contract=contract, reason="退房")
    events = list(OutboxEvent.objects.order_by("id").values_list("event", flat=True))
    assert events == [
        "customer.updated", "unit.status_changed", "subscription.created", "unit.status_changed",
        "contract.signed", "payment.received", "contract.cancelled", "unit.status_changed",
    ]  # fmt: skip
    changed = OutboxEvent.objects.filter(event="unit.status_changed").order_by("id").first()
    assert changed.payload["from"] == "available" and changed.payload["to"] == "subscribed"
    assert changed.site_id == world.s1.pk
    assert OutboxEvent.objects.get(event="customer.updated").payload["changed"] == ["occupation"]
