import pytest

pytestmark = pytest.mark.django_db


def test_salesperson_creates_and_sees_only_own_customer(world, api):
    r = api(world.s1a).post(
        "/api/v1/customers/",
        {"name": "张伟", "phone": "+86 139-0000-0011", "site": world.s1.pk},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["phone"] == "13900000011"
    assert r.json()["owner"] == world.s1a.pk
    assert api(world.s1b).get(f"/api/v1/customers/{r.json()['id']}/").status_code == 404
    assert api(world.sm1).get("/api/v1/customers/").json()["count"] == 1
    assert api(world.sm2).get("/api/v1/customers/").json()["count"] == 0
