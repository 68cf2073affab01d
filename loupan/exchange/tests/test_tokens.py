"""System tokens: scopes, site restriction through visible_to, expiry, revocation, audit,
and finance posting payments with an Idempotency-Key."""

import datetime as dt

import pytest
from django.utils import timezone

from loupan.core.errors import NotAllowed
from loupan.core.models import AuditEvent
from loupan.customers.tests.factories import CustomerFactory
from loupan.exchange import integration
from loupan.exchange.models import SystemToken
from loupan.exchange.tests.conftest import make_system
from loupan.sales import services as sales
from loupan.sales.models import Payment

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def people(world):  # noqa: ANN001, ANN201
    return {
        "a": CustomerFactory(site=world.s1, owner=world.s1a, phone="13800138001"),
        "b": CustomerFactory(site=world.s2, owner=world.s2a, phone="13800138002"),
    }


def test_site_restricted_token_reads_only_its_sites_customers(world, people) -> None:  # noqa: ANN001
    _s, token, client = make_system(world, sites=[world.s1])
    listed = client.get(f"{API}/customers/")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["results"]] == [people["a"].pk]
    assert listed.json()["results"][0]["phone"] == "13800138001"
    assert client.get(f"{API}/customers/{people['b'].pk}/").status_code == 404
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_unrestricted_token_reads_every_site(world, people) -> None:  # noqa: ANN001
    _s, _t, client = make_system(world)
    assert client.get(f"{API}/customers/").json()["count"] == 2


def test_scopes_limit_the_calls(world, people) -> None:  # noqa: ANN001
    _s, _t, client = make_system(world, scopes=["customers:read"])
    assert client.get(f"{API}/payments/").status_code == 403
    assert client.get(f"{API}/sites/").status_code == 403
    assert client.get(f"{API}/audit-events/").status_code == 403
    created = client.post(f"{API}/customers/", {"name": "新", "phone": "13900000001", "site": world.s1.pk})
    assert created.status_code == 403
    assert client.post(f"{API}/customers/{people['a'].pk}/release/").status_code == 403


def test_every_call_is_audited(world, people) -> None:  # noqa: ANN001
    system, token, client = make_system(world)
    client.get(f"{API}/customers/")
    client.get(f"{API}/payments/")
    calls = AuditEvent.objects.filter(action="api_call", object_id=token.pk).order_by("id")
    assert [(e.detail["path"], e.detail["allowed"]) for e in calls] == [
        ("/api/v1/customers/", True), ("/api/v1/payments/", False),
    ]  # fmt: skip
    assert calls[0].actor == system.account and calls[0].detail["system"] == "财务系统"


def test_expired_revoked_and_deactivated_tokens_are_refused(world, people) -> None:  # noqa: ANN001
    system, token, client = make_system(world)
    assert client.get(f"{API}/customers/").status_code == 200
    SystemToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"{API}/customers/").status_code == 401
    SystemToken.objects.filter(pk=token.pk).update(expires_at=None)
    integration.system_token_revoke(actor=world.admin, token=token)
    assert client.get(f"{API}/customers/").status_code == 401
    _s2, _t2, other = make_system(world, name="OA")
    _s2.is_active = False
    _s2.save()
    assert other.get(f"{API}/customers/").status_code == 401


def test_bad_keys_and_people_tokens(world, people, api) -> None:  # noqa: ANN001
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer lps_nonsense")
    assert client.get(f"{API}/customers/").status_code == 401
    assert api(world.s1a).get(f"{API}/customers/").status_code == 200  # people's tokens still work


def test_only_admins_manage_systems_and_the_account_cannot_log_in(world, api) -> None:  # noqa: ANN001
    with pytest.raises(NotAllowed):
        integration.system_create(actor=world.cm, name="HR")
    system = integration.system_create(actor=world.admin, name="HR")
    assert not system.account.has_usable_password()
    assert (
        api().post(f"{API}/auth/token/", {"username": system.account.username, "password": ""}).status_code
        == 400
    )
    token, key = integration.system_token_create(
        actor=world.admin, system=system, name="t", scopes=["deals:read"]
    )
    assert (
        key.startswith("lps_")
        and token.key_hash != key
        and key not in str(AuditEvent.objects.values_list("changes"))
    )


def _contract(world, deals):  # noqa: ANN001, ANN202
    sub = sales.subscription_create(actor=world.sm1, unit=deals.units[0], customer=deals.c1)
    return sales.contract_create(actor=world.sm1, subscription=sub, payment_method="full")


def test_finance_posts_payments_with_an_idempotency_key(world, deals) -> None:  # noqa: ANN001
    contract = _contract(world, deals)
    system, _t, client = make_system(world, scopes=["payments:write", "deals:read"], sites=[world.s1])
    payload = {"contract": contract.pk, "amount": "300000.00", "method": "transfer"}
    first = client.post(f"{API}/payments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="fin-2026-0001")
    again = client.post(f"{API}/payments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="fin-2026-0001")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again["Idempotent-Replayed"] == "true"
    payment = Payment.objects.get()
    assert payment.recorded_by == system.account and payment.amount == 300000
    assert client.get(f"{API}/payments/").json()["count"] == 1


def test_payment_outside_the_tokens_sites_or_scope_is_refused(world, deals) -> None:  # noqa: ANN001
    contract = _contract(world, deals)
    _s, _t, s2_only = make_system(world, scopes=["payments:write"], sites=[world.s2])
    response = s2_only.post(
        f"{API}/payments/", {"contract": contract.pk, "amount": "1", "method": "cash"}, format="json"
    )
    assert response.status_code == 400 and "contract" in response.json()
    _s, _t, read_only = make_system(world, name="BI", scopes=["deals:read"])
    assert (
        read_only.post(
            f"{API}/payments/", {"contract": contract.pk, "amount": "1", "method": "cash"}
        ).status_code
        == 403
    )
    assert not Payment.objects.exists()


def test_system_token_imports_into_its_sites_only(
    world, settings, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    from loupan.customers.models import Customer
    from loupan.exchange.models import ImportJob
    from loupan.exchange.tests.conftest import csv_file

    _s, token, client = make_system(world, name="会员系统", scopes=["imports:write"], sites=[world.s1])
    lines = ["legacy_id,name,phone,site", "M1,张三,13800138000,S1", "M2,李四,13900139000,S2"]
    body = client.post(
        f"{API}/imports/",
        {"kind": "members", "file": csv_file(lines), "dry_run": "false"},
        format="multipart",
    ).json()
    assert body["status"] == "rejected" and [(e["row"], e["column"]) for e in body["errors"]] == [(3, "site")]
    settings.LOUPAN_IMPORT_INLINE_BYTES = 1  # the same in the background: the token's sites still bound it
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(
            f"{API}/imports/",
            {"kind": "members", "file": csv_file(lines[:2]), "dry_run": "false"},
            format="multipart",
        )
    assert queued.status_code == 202
    job = ImportJob.objects.get(pk=queued.json()["id"])
    assert job.status == "succeeded" and job.token == token
    assert Customer.objects.get().is_club_member
