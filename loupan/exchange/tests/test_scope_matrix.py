"""Every role over the exchange's scoped surfaces (a sibling of core's scope matrix).

Imports: company-wide roles see every import, a site manager their own, salespeople and
agents none (and may not import). Out of scope is 404 on the API and the pages; the
connected systems pages are for admins only (403 for everyone else)."""

import pytest
from django.test import Client

from loupan.exchange import services
from loupan.exchange.tests.conftest import csv_file

pytestmark = pytest.mark.django_db
ROLES = ["admin", "cm", "sm1", "sm2", "s1a", "s1b", "s2a", "ag1"]
SEES = {"admin": {"sm1", "sm2", "cm"}, "cm": {"sm1", "sm2", "cm"}, "sm1": {"sm1"}, "sm2": {"sm2"}}
LINES = ["legacy_id,name,phone,site", "X1,张三,13800138000,S1"]


@pytest.fixture
def jobs(world):  # noqa: ANN001, ANN201
    return {
        who: services.import_create(
            actor=getattr(world, who), kind="customers", file=csv_file(LINES), draft=True
        )
        for who in ("sm1", "sm2", "cm")
    }


@pytest.mark.parametrize("role", ROLES)
def test_imports_api_matrix(world, jobs, api, role) -> None:  # noqa: ANN001
    client = api(getattr(world, role))
    visible = SEES.get(role, set())
    listed = {r["id"] for r in client.get("/api/v1/imports/").json()["results"]}
    assert listed == {jobs[w].pk for w in visible}
    for who, job in jobs.items():
        expected = 200 if who in visible else 404
        assert client.get(f"/api/v1/imports/{job.pk}/").status_code == expected
        assert client.get(f"/api/v1/imports/{job.pk}/report/").status_code == expected
    created = client.post(
        "/api/v1/imports/", {"kind": "customers", "file": csv_file(LINES)}, format="multipart"
    )
    assert created.status_code == (201 if role in SEES else 403)


@pytest.mark.parametrize("role", ROLES)
def test_import_and_system_pages_matrix(world, jobs, role) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(getattr(world, role))
    visible = SEES.get(role, set())
    assert client.get("/exchange/imports/").status_code == (200 if role in SEES else 403)
    for who, job in jobs.items():
        assert client.get(f"/exchange/imports/{job.pk}/").status_code == (200 if who in visible else 404)
        assert client.get(f"/exchange/imports/{job.pk}/mapping/").status_code in (
            (200,) if who in visible else (404,)
        )
    assert client.get("/exchange/systems/").status_code == (200 if role == "admin" else 403)
