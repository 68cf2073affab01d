# ruff: noqa: F811 - ``m`` is the matrix fixture, imported; parameters named m are that world
"""The scope matrix, inventory surfaces: every role over projects, buildings, units, the grid,
holds and price lists, on the API and the sales-control pages.

Rule: a project (and its buildings, units, price lists) is visible to company-wide roles
and to the staff of a site linked to it; out of scope answers 404 (an id in a request
body: the same 400 as an id that does not exist). Managing (edits, holds, price lists) is
for company-wide roles and the project's site managers; others who see it get 403.
The world: test_scope_matrix.py's users and sites with scope_world_deals.py's projects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from loupan.core.tests.scope_world import ROLES, without_pk
from loupan.core.tests.scope_world_deals import PROJECT_MANAGED, PROJECT_SEEN, PROJECTS, build_inventory
from loupan.inventory.models import Unit

pytestmark = pytest.mark.django_db

API = "/api/v1/"
MISSING = 10**8


@pytest.fixture
def im(m: SimpleNamespace) -> SimpleNamespace:
    m.inv = build_inventory(m)
    return m


def seen(role: str, p: str, ok: int = 200) -> int:
    return ok if p in PROJECT_SEEN[role] else 404


def managed(ok: int) -> Callable[[str, str], int]:
    def status(role: str, p: str) -> int:
        if p not in PROJECT_SEEN[role]:
            return 404
        return ok if p in PROJECT_MANAGED[role] else 403

    return status


# What each project-level request is about: the project, its building, a unit.
TARGETS: dict[str, Callable[[SimpleNamespace, str], int]] = {
    "project": lambda m, p: m.inv.projects[p].pk,
    "building": lambda m, p: m.inv.buildings[p].pk,
    "unit": lambda m, p: m.inv.to_hold[p].pk,
    "held": lambda m, p: m.inv.held[p].pk,
}


@dataclass
class Rows:
    """A list: exactly the rows of the projects the role sees."""

    url: str
    rows: Callable[[SimpleNamespace, str], set[int]]  # the ids of a project's rows

    def check(self, m: SimpleNamespace, role: str) -> None:
        body = m.api(m.users[role]).get(f"{API}{self.url}?page_size=500").json()
        want = set().union(*(self.rows(m, p) for p in PROJECT_SEEN[role]))
        assert {row["id"] for row in body["results"]} == want
        assert body["count"] == len(want)


@dataclass
class PerProject:
    """One request per project on its ``target``; ``status(role, project)`` is the answer."""

    method: str
    url: str  # with {id}
    target: str
    status: Callable[[str, str], int]
    body: Callable[[SimpleNamespace, str], object] | None = None

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        got, want = {}, {}
        for p in PROJECTS:
            url = API + self.url.format(id=TARGETS[self.target](m, p))
            r = getattr(client, self.method)(url, self.body(m, p) if self.body else {}, format="json")
            got[p], want[p] = r.status_code, self.status(role, p)
            if r.status_code == 404:
                assert set(r.json()) == {"detail"}
        assert got == want


@dataclass
class CreateIn:
    """POST naming a project's record in ``field``: managers 201, others who see it 403,
    out of scope the same 400 as an id that does not exist."""

    url: str
    field: str
    body: Callable[[SimpleNamespace, str], dict]

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        for p in PROJECTS:
            body = self.body(m, p)
            r = client.post(API + self.url, body, format="json")
            status = managed(201)(role, p)
            if status != 404:
                assert r.status_code == status, (p, r.content)
                continue
            assert r.status_code == 400, (p, r.content)
            missing = client.post(API + self.url, {**body, self.field: MISSING}, format="json")
            assert without_pk(r.json(), body[self.field]) == without_pk(missing.json(), MISSING)


@dataclass
class RoleOnly:
    """A request whose answer depends on the role alone."""

    method: str
    url: str
    allowed: set[str]
    ok: int
    body: dict

    def check(self, m: SimpleNamespace, role: str) -> None:
        r = getattr(m.api(m.users[role]), self.method)(API + self.url, self.body, format="json")
        assert r.status_code == (self.ok if role in self.allowed else 403), r.content


def _units(m: SimpleNamespace, p: str) -> set[int]:
    return set(Unit.objects.filter(project=m.inv.projects[p]).values_list("pk", flat=True))


def _prices(m: SimpleNamespace, p: str) -> dict:
    numbers = Unit.objects.filter(building=m.inv.buildings[p]).values_list("number", flat=True)
    return {"prices": dict.fromkeys(numbers, "31000.00"), "floor_premiums": {"2": "300"}}


SURFACES = {
    "projects": Rows("projects/", lambda m, p: {m.inv.projects[p].pk}),
    "buildings": Rows("buildings/", lambda m, p: {m.inv.buildings[p].pk}),
    "units": Rows("units/", _units),
    "project detail": PerProject("get", "projects/{id}/", "project", seen),
    "project update": PerProject("patch", "projects/{id}/", "project", managed(200), lambda m, p: {"city": "杭州市"}),
    "project create": RoleOnly("post", "projects/", {"admin", "cm"}, 201, {"name": "新项目"}),
    "building detail": PerProject("get", "buildings/{id}/", "building", seen),
    "building update": PerProject("patch", "buildings/{id}/", "building", managed(200), lambda m, p: {"floors": 9}),
    "building create": CreateIn("buildings/", "project", lambda m, p: {"project": m.inv.projects[p].pk,
                                                                       "name": "9号楼", "floors": 3}),
    "grid": PerProject("get", "buildings/{id}/grid/", "building", seen),
    "price lists": PerProject("get", "buildings/{id}/price-lists/", "building", seen),
    "price list create": PerProject("post", "buildings/{id}/price-lists/", "building", managed(201), _prices),
    "unit detail": PerProject("get", "units/{id}/", "unit", seen),
    "unit update": PerProject("patch", "units/{id}/", "unit", managed(200), lambda m, p: {"orientation": "南"}),
    "unit create": CreateIn("units/", "building", lambda m, p: {"building": m.inv.buildings[p].pk,
                                                                "number": "X1", "floor": 1, "area": "90.00"}),
    "unit hold": PerProject("post", "units/{id}/hold/", "unit", managed(200)),
    "unit release": PerProject("post", "units/{id}/release/", "held", managed(200)),
    "unit hold (held)": PerProject("post", "units/{id}/hold/", "held", managed(409)),
}  # fmt: skip


# --- the sales-control pages ---------------------------------------------------------------------


@dataclass
class WebNames:
    """The project list page names exactly the projects the role sees."""

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = Client()
        client.force_login(m.users[role])
        page = client.get(reverse("inventory:projects")).content.decode()
        assert {p for p, project in m.inv.projects.items() if project.name in page} == PROJECT_SEEN[role]


@dataclass
class WebPage:
    method: str
    name: str  # URL name taking the target's id
    target: str
    status: Callable[[str, str], int]
    data: dict | None = None

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = Client()
        client.force_login(m.users[role])
        got, want = {}, {}
        for p in PROJECTS:
            url = reverse(self.name, args=[TARGETS[self.target](m, p)])
            got[p] = getattr(client, self.method)(url, self.data or {}).status_code
            want[p] = self.status(role, p)
        assert got == want


WEB = {
    "web projects": WebNames(),
    "web project": WebPage("get", "inventory:project", "project", seen),
    "web project edit": WebPage("get", "inventory:project_edit", "project", managed(200)),
    "web building create": WebPage("get", "inventory:building_create", "project", managed(200)),
    "web grid": WebPage("get", "inventory:grid", "building", seen),
    "web grid body": WebPage("get", "inventory:grid_body", "building", seen),
    "web price lists": WebPage("get", "inventory:price_lists", "building", seen),
    "web price upload": WebPage("get", "inventory:price_upload", "building", managed(200)),
    "web unit panel": WebPage("get", "inventory:unit_panel", "unit", seen),
    "web unit edit": WebPage("get", "inventory:unit_edit", "unit", managed(200)),
    "web unit hold": WebPage("post", "inventory:unit_hold", "unit", managed(302)),
    "web unit release": WebPage("post", "inventory:unit_release", "held", managed(302)),
}


def _exists(name: str) -> bool:
    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


SURFACES |= {k: v for k, v in WEB.items() if not isinstance(v, WebPage) or _exists(v.name)}


@pytest.mark.parametrize("surface", list(SURFACES), ids=list(SURFACES))
@pytest.mark.parametrize("role", ROLES)
def test_inventory_scope_matrix(im: SimpleNamespace, role: str, surface: str) -> None:
    SURFACES[surface].check(im, role)
