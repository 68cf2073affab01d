"""Connected systems pages: admins only; the key is shown once; revoke; webhook; redeliver."""

import pytest

from loupan.core.models import AuditEvent
from loupan.core.testing.clients import client_for as as_user
from loupan.exchange import integration
from loupan.exchange.models import IntegrationSystem, SystemToken, Webhook, WebhookDelivery
from loupan.exchange.tests.receiver import Receiver

pytestmark = pytest.mark.django_db


def test_admin_connects_a_system_makes_a_token_and_revokes_it(world) -> None:  # noqa: ANN001
    client = as_user(world.admin)
    response = client.post("/exchange/systems/", {"name": "财务系统", "description": "SAP"})
    system = IntegrationSystem.objects.get()
    assert response["Location"] == f"/exchange/systems/{system.pk}/"
    page = client.post(
        response["Location"],
        {"new_token": "1", "token-name": "prod", "token-scopes": ["payments:write", "deals:read"],
         "token-sites": [world.s1.pk], "token-expires_on": "2099-12-31"},
    ).content.decode()  # fmt: skip
    token = SystemToken.objects.get()
    assert token.scopes == ["deals:read", "payments:write"] and list(token.sites.all()) == [world.s1]
    key = page.split('id="new-key">')[1].split("<")[0]
    assert key.startswith("lps_") and key not in client.get(response["Location"]).content.decode()
    client.post(f"/exchange/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_webhook_and_redelivery_from_the_page(world) -> None:  # noqa: ANN001
    from loupan.customers.services import customer_create
    from loupan.exchange.webhooks import deliver_due

    client = as_user(world.admin)
    system = integration.system_create(actor=world.admin, name="OA")
    with Receiver() as rx:
        client.post(f"/exchange/systems/{system.pk}/", {"new_webhook": "1", "hook-url": rx.url,
                                                       "hook-events": ["customer.created"]})  # fmt: skip
        assert Webhook.objects.get().events == ["customer.created"]
        customer_create(actor=world.s1a, site=world.s1, data={"name": "张三", "phone": "13800138000"})
        deliver_due()
        delivery = WebhookDelivery.objects.get()
        page = client.get(f"/exchange/systems/{system.pk}/").content.decode()
        assert f"/exchange/deliveries/{delivery.pk}/redeliver/" in page
        client.post(f"/exchange/deliveries/{delivery.pk}/redeliver/")
        deliver_due()
    assert len(rx.received) == 2


def test_others_may_not_see_systems(world) -> None:  # noqa: ANN001
    system = integration.system_create(actor=world.admin, name="HR")
    for user in (world.cm, world.sm1, world.s1a):
        assert as_user(user).get("/exchange/systems/").status_code == 403
        assert as_user(user).get(f"/exchange/systems/{system.pk}/").status_code == 403
    assert "/exchange/systems/" not in as_user(world.cm).get("/").content.decode()
    assert "/exchange/systems/" in as_user(world.admin).get("/").content.decode()


def test_a_paused_webhook_queues_nothing_until_resumed(world) -> None:  # noqa: ANN001
    from loupan.customers.services import customer_create

    client = as_user(world.admin)
    system = integration.system_create(actor=world.admin, name="物业系统")
    webhook = integration.webhook_create(
        actor=world.admin, system=system, url="http://127.0.0.1:9/hook", events=["customer.created"]
    )
    response = client.post(f"/exchange/webhooks/{webhook.pk}/pause/", {"active": "0"})
    assert response["Location"] == f"/exchange/systems/{system.pk}/"
    webhook.refresh_from_db()
    assert webhook.is_active is False
    assert "暂停" in client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    customer_create(actor=world.s1a, site=world.s1, data={"name": "李四", "phone": "13800138001"})
    assert not WebhookDelivery.objects.exists()

    client.post(f"/exchange/webhooks/{webhook.pk}/pause/", {"active": "1"})
    customer_create(actor=world.s1a, site=world.s1, data={"name": "王五", "phone": "13800138002"})
    assert WebhookDelivery.objects.filter(webhook=webhook).count() == 1
    assert AuditEvent.objects.filter(object_type="webhook", action="update").count() == 2


def test_only_admins_pause_webhooks(world) -> None:  # noqa: ANN001
    system = integration.system_create(actor=world.admin, name="OA2")
    webhook = integration.webhook_create(
        actor=world.admin, system=system, url="http://127.0.0.1:9/hook", events=["customer.created"]
    )
    assert (
        as_user(world.cm).post(f"/exchange/webhooks/{webhook.pk}/pause/", {"active": "0"}).status_code == 403
    )
    assert as_user(world.admin).get(f"/exchange/webhooks/{webhook.pk}/pause/").status_code == 405
    webhook.refresh_from_db()
    assert webhook.is_active is True
