"""The scope matrix for walk-ins, the reception rotation and work logs: every role over every
surface, against the world of ``loupan.core.tests.test_scope_matrix`` (same hand-written tables)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from loupan.core.tests.scope_world import CUSTOMERS, FRONTLINE, ROLES, SITES, USERS, VISIBLE, shown_phone
from loupan.sales.models import Activity, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def mv(m: SimpleNamespace) -> SimpleNamespace:  # noqa: F811
    """The matrix world plus one visit per customer (received by its owner or the site manager)."""
    m.visits = {}
    for key in m.ids:
        activity = Activity.objects.select_related("customer").get(pk=m.activities[key])
        c = activity.customer
        m.visits[key] = Visit.objects.create(
            site_id=c.site_id, customer=c, kind="visit", assigned_to=activity.user, assignment="owner",
            registered_by=activity.user, activity=activity,
        ).pk  # fmt: skip
    m.visit_keys = {v: k for k, v in m.visits.items()}
    return m


def _follow_ups(reader: str, target: str) -> int:
    """Activities by ``target`` on customers ``reader`` may see (hand-derived from the tables)."""
    by = {k: (CUSTOMERS[k]["owner"] or ("sm1" if CUSTOMERS[k]["site"] == "s1" else "sm2")) for k in CUSTOMERS}
    return sum(1 for k in CUSTOMERS if by[k] == target and k in VISIBLE[reader])


@pytest.mark.parametrize("role", ROLES)
def test_visit_list_detail_and_masking(mv: SimpleNamespace, role: str) -> None:
    client = mv.api(mv.users[role])
    body = client.get("/api/v1/visits/", {"page_size": 500}).json()
    got = {mv.visit_keys[row["id"]]: row["phone"] for row in body["results"]}
    assert set(got) == VISIBLE[role] and body["count"] == len(VISIBLE[role])
    assert got == {k: shown_phone(k, role) for k in VISIBLE[role]}
    statuses = {k: client.get(f"/api/v1/visits/{pk}/").status_code for k, pk in mv.visits.items()}
    assert statuses == {k: 200 if k in VISIBLE[role] else 404 for k in mv.visits}
    for key in VISIBLE[role]:
        r = client.get("/api/v1/visits/", {"customer": mv.ids[key]})
        assert [row["id"] for row in r.json()["results"]] == [mv.visits[key]]
    for key in set(CUSTOMERS) - VISIBLE[role]:
        assert client.get("/api/v1/visits/", {"customer": mv.ids[key]}).json()["count"] == 0


@pytest.mark.parametrize("role", ROLES)
def test_work_logs_of_everyone(mv: SimpleNamespace, role: str) -> None:
    client = mv.api(mv.users[role])
    for target, user in mv.users.items():
        r = client.get("/api/v1/worklogs/", {"user": user.pk})
        if target not in USERS[role]:
            assert r.status_code == 404, target
            assert client.get("/api/v1/worklogs/range/", {"user": user.pk}).status_code == 404
            continue
        assert r.status_code == 200, (target, r.content)
        body = r.json()
        assert body["follow_ups"] == _follow_ups(role, target), target
        assert {e["customer"] for e in body["entries"]} <= {mv.ids[k] for k in VISIBLE[role]}
    team = client.get("/api/v1/worklogs/team/", {"page_size": 500}).json()
    assert {row["user"] for row in team["results"]} == {mv.users[r].pk for r in USERS[role] & FRONTLINE}


@pytest.mark.parametrize("role", ROLES)
def test_reception_of_each_site(mv: SimpleNamespace, role: str) -> None:
    client = mv.api(mv.users[role])
    for key, site in mv.sites.items():
        r = client.get("/api/v1/reception/", {"site": site.pk})
        assert r.status_code == (200 if key in SITES[role] else 404), key
