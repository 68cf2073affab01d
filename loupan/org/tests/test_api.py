"""Organisation API (api-v1.md "Conventions" auth and "Organisation")."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from loupan.core.models import AuditEvent
from loupan.customers.models import Customer
from loupan.customers.tests.factories import CustomerFactory
from loupan.org.models import Agency, Site, User
from loupan.org.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def login(api, username: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    return api().post(TOKEN, {"username": username, "password": password}, format="json")


# --- the token endpoint ----------------------------------------------------------------------------


def test_token_for_good_credentials(world, api):  # noqa: ANN001
    r = login(api, "s1a")
    assert r.status_code == 200 and set(r.json()) == {"token"}
    token = r.json()["token"]
    assert Token.objects.get(user=world.s1a).key == token
    assert login(api, "s1a").json()["token"] == token  # the same token again
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/customers/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=world.s1a).exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "s1a", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "s1a"},
        {},
    ],
)
def test_bad_credentials_are_400(world, api, payload):  # noqa: ANN001
    r = api().post(TOKEN, payload, format="json")
    assert r.status_code == 400
    assert "token" not in r.json()
    assert not Token.objects.exists()


def test_inactive_users_get_no_token(world, api):  # noqa: ANN001
    User.objects.filter(pk=world.s1a.pk).update(is_active=False)
    r = login(api, "s1a")
    assert r.status_code == 400 and "token" not in r.json()
    world.agency.is_active = False
    world.agency.save()
    assert login(api, "ag1").status_code == 400
    assert not Token.objects.exists()


def test_lockout_after_repeated_failures(world, api):  # noqa: ANN001
    for _ in range(4):
        assert login(api, "s1b", "wrong").status_code == 400
    r = login(api, "s1b", "wrong")
    assert r.status_code == 429 and "detail" in r.json()
    # Locked: even the right password gets no token now...
    assert login(api, "s1b").status_code == 429
    assert not Token.objects.filter(user=world.s1b).exists()
    # ...while another user is not affected.
    assert login(api, "s1a").status_code == 200


# --- sites, agencies, users -----------------------------------------------------------------------


def test_admin_creates_a_site_with_defaults(world, api):  # noqa: ANN001
    r = api(world.admin).post("/api/v1/sites/", {"code": "S9", "name": "九号案场"}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["pool_after_days"], body["pool_claims_per_day"], body["project"]) == (30, 5, None)
    assert AuditEvent.objects.filter(action="create", object_type="site", object_id=body["id"]).exists()
    r = api(world.admin).post("/api/v1/sites/", {"code": "S9", "name": "重复"}, format="json")
    assert r.status_code == 400 and set(r.json()) == {"code"}
    r = api(world.admin).post(
        "/api/v1/sites/",
        {"code": "S10", "name": "十", "pool_after_days_by_status": {"lead": 0}},
        format="json",
    )
    assert r.status_code == 400 and set(r.json()) == {"pool_after_days_by_status"}
    r = api(world.admin).patch(f"/api/v1/sites/{world.s1.pk}/", {"pool_after_days": 14}, format="json")
    assert r.status_code == 200 and r.json()["pool_after_days"] == 14
    assert AuditEvent.objects.get(action="update", object_type="site").changes == {
        "pool_after_days": [30, 14]
    }


def test_admin_creates_agencies(world, api):  # noqa: ANN001
    r = api(world.admin).post(
        "/api/v1/agencies/",
        {"name": "新代理", "contract_start": "2026-01-01", "contract_end": None},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert set(r.json()) >= {"id", "name", "contract_start", "contract_end", "is_active"}
    assert r.json()["is_active"] is True
    r = api(world.admin).post(
        "/api/v1/agencies/",
        {"name": "倒着", "contract_start": "2026-06-01", "contract_end": "2026-01-01"},
        format="json",
    )
    assert r.status_code == 400 and set(r.json()) == {"contract_end"}
    r = api(world.admin).post(
        "/api/v1/agencies/", {"name": "新代理", "contract_start": "2026-01-01"}, format="json"
    )
    assert r.status_code == 400 and set(r.json()) == {"name"}
    assert Agency.objects.count() == 2


def test_admin_creates_users(world, api):  # noqa: ANN001
    client = api(world.admin)
    r = client.post(
        "/api/v1/users/",
        {"username": "new1", "password": "Another-Strong-Pass-9", "full_name": "新人", "role": "sales",
         "sites": [world.s1.pk]},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.content
    body = r.json()
    assert "password" not in body
    assert (body["role"], body["sites"], body["agency"], body["is_active"]) == (
        "sales",
        [world.s1.pk],
        None,
        True,
    )
    assert login(api, "new1", "Another-Strong-Pass-9").status_code == 200
    created = AuditEvent.objects.get(action="create", object_type="user", object_id=body["id"])
    assert "password" not in created.changes and created.changes["sites"] == [[], [world.s1.pk]]

    def attempt(**data):  # noqa: ANN003, ANN202
        payload = {"username": "x", "password": "Another-Strong-Pass-9", "role": "sales", **data}
        return client.post("/api/v1/users/", payload, format="json")

    assert set(attempt(role="boss").json()) == {"role"}
    r = attempt(role="agent")
    assert r.status_code == 400 and set(r.json()) == {"agency"}
    assert attempt(role="sales", agency=world.agency.pk).status_code == 400
    assert attempt(role="agent", agency=world.agency.pk, sites=[world.s1.pk]).status_code == 201
    for weak in ("short", "password123", "12345678901", "xxxxxx"):
        r = attempt(username=f"weak{len(weak)}", password=weak)
        assert r.status_code == 400 and set(r.json()) == {"password"}, weak
    r = client.post("/api/v1/users/", {"username": "nopass", "role": "sales"}, format="json")
    assert r.status_code == 400 and set(r.json()) == {"password"}
    assert attempt(username="s1a").status_code == 400
    assert set(User.objects.values_list("username", flat=True)) == {
        "admin", "cm", "sm1", "sm2", "s1a", "s1b", "s2a", "ag1", "new1", "x",
    }  # fmt: skip


@pytest.mark.parametrize("url", ["/api/v1/sites/", "/api/v1/agencies/", "/api/v1/users/"])
def test_company_manager_reads_but_does_not_write(world, api, url):  # noqa: ANN001
    client = api(world.cm)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "x", "code": "X", "username": "x"}, format="json").status_code == 403
    first = client.get(url).json()["results"][0]["id"]
    assert client.patch(f"{url}{first}/", {"name": "改"}, format="json").status_code == 403


def test_sales_cannot_read_agencies_or_write_anything(world, api):  # noqa: ANN001
    client = api(world.s1a)
    assert client.get("/api/v1/agencies/").status_code == 403
    assert client.get(f"/api/v1/agencies/{world.agency.pk}/").status_code == 403
    assert client.post("/api/v1/sites/", {"code": "X", "name": "x"}, format="json").status_code == 403
    assert (
        client.patch(f"/api/v1/sites/{world.s1.pk}/", {"pool_claims_per_day": 99}, format="json").status_code
        == 403
    )
    # Writes are refused before any lookup: another site and no site at all look the same.
    assert client.patch(f"/api/v1/sites/{world.s2.pk}/", {"name": "x"}, format="json").status_code == 403
    assert client.patch("/api/v1/sites/999999/", {"name": "x"}, format="json").status_code == 403
    assert client.patch(f"/api/v1/users/{world.s1a.pk}/", {"role": "admin"}, format="json").status_code == 403
    assert client.get(f"/api/v1/users/{world.s1b.pk}/").status_code == 404
    world.s1.refresh_from_db()
    world.s1a.refresh_from_db()
    assert (world.s1.pool_claims_per_day, world.s1a.role) == (5, "sales")
    assert AuditEvent.objects.filter(action="denied", actor=world.s1a).count() >= 4


def test_agency_deactivate_endpoint(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.ag1)
    agent = api(world.ag1)
    assert agent.get("/api/v1/customers/").status_code == 200
    assert api(world.cm).post(f"/api/v1/agencies/{world.agency.pk}/deactivate/").status_code == 403
    assert agent.get("/api/v1/customers/").status_code == 200
    r = api(world.admin).post(f"/api/v1/agencies/{world.agency.pk}/deactivate/")
    assert r.status_code == 200 and r.json() == {"released": 1}
    assert agent.get("/api/v1/customers/").status_code == 401
    assert login(api, "ag1").status_code == 400
    c.refresh_from_db()
    assert (c.in_pool, c.owner) == (True, None)
    assert Customer.objects.count() == 1
    agency = api(world.admin).get(f"/api/v1/agencies/{world.agency.pk}/").json()
    assert agency["is_active"] is False and agency["contract_end"] == timezone.localdate().isoformat()
    assert api(world.admin).post("/api/v1/users/", {
        "username": "late", "password": "Another-Strong-Pass-9", "role": "agent", "agency": world.agency.pk,
    }, format="json").status_code == 400  # fmt: skip


def test_deactivating_a_user_over_the_api(world, api):  # noqa: ANN001
    CustomerFactory(site=world.s1, owner=world.s1a)
    victim = api(world.s1a)
    assert victim.get("/api/v1/customers/").status_code == 200
    r = api(world.admin).patch(f"/api/v1/users/{world.s1a.pk}/", {"is_active": False}, format="json")
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert victim.get("/api/v1/customers/").status_code == 401
    assert Customer.objects.get().in_pool
    r = api(world.admin).patch(f"/api/v1/users/{world.admin.pk}/", {"is_active": False}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "cannot_deactivate_self"


def test_password_change_ends_old_tokens(world, api):  # noqa: ANN001
    old = api(world.s1a)
    assert old.get("/api/v1/customers/").status_code == 200
    r = api(world.admin).patch(
        f"/api/v1/users/{world.s1a.pk}/", {"password": "Brand-New-Pass-2027"}, format="json"
    )
    assert r.status_code == 200
    assert old.get("/api/v1/customers/").status_code == 401
    assert login(api, "s1a", "Brand-New-Pass-2027").status_code == 200


def test_site_list_is_scoped_for_staff(world, api):  # noqa: ANN001
    Site.objects.create(code="S3", name="三号")
    assert {s["code"] for s in api(world.s2a).get("/api/v1/sites/").json()["results"]} == {"S2"}
    assert {s["code"] for s in api(world.cm).get("/api/v1/sites/").json()["results"]} == {"S1", "S2", "S3"}
    assert api(world.s2a).get(f"/api/v1/sites/{world.s1.pk}/").status_code == 404
