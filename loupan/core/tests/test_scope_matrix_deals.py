# ruff: noqa: F811 - ``m`` is the matrix fixture, imported; parameters named m are that world
"""The scope matrix, deal surfaces: every role over reservations, subscriptions, contracts and
payments (list, filters, detail, create, actions), on the API and the deal pages.

Rule (api-v1.md "Deals"): a deal record is visible exactly when its customer is; out of
scope answers 404 (or, for an id in a request body, the same 400 as an id that does not
exist); visible but not allowed answers 403. The world is the matrix's six customers
(test_scope_matrix.py) with the deals of scope_world_deals.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse

from loupan.core.tests.scope_world import (
    CONTACT,
    CUSTOMERS,
    MANAGERS,
    ROLES,
    VISIBLE,
    session_for,
    without_pk,
)
from loupan.core.tests.scope_world_deals import OVERDUE, PROJECT_SEEN, build_deals, build_inventory

pytestmark = pytest.mark.django_db

API = "/api/v1/"
MISSING = 10**8


@pytest.fixture
def dm(m: SimpleNamespace) -> SimpleNamespace:
    inv = build_inventory(m)
    m.inv = inv
    m.deals = build_deals(m, inv)
    return m


# --- expected answers -------------------------------------------------------------------------


def seen(role: str, key: str, ok: int = 200) -> int:
    return ok if key in VISIBLE[role] else 404


def managed(ok: int) -> Callable[[str, str], int]:
    """Managers in scope may (refunds, cancellations, 换房, handover, approval); 403 for others who see it."""

    def status(role: str, key: str) -> int:
        if key not in VISIBLE[role]:
            return 404
        return ok if role in MANAGERS else 403

    return status


def dealt(ok: int) -> Callable[[str, str], int]:
    """The customer's owner and managers in scope may (deal.create); 403 for others who see it."""

    def status(role: str, key: str) -> int:
        if key not in VISIBLE[role]:
            return 404
        return ok if key in CONTACT[role] else 403

    return status


# --- surface kinds ------------------------------------------------------------------------------


@dataclass
class Rows:
    """A deal list: exactly the records of the customers the role sees (``only``: of these)."""

    kind: str
    query: str = ""
    only: frozenset[str] | None = None
    records: Callable[[SimpleNamespace], dict[int, str]] | None = None  # default: all of the kind

    def check(self, m: SimpleNamespace, role: str) -> None:
        owner = self.records(m) if self.records else m.deals.kinds[self.kind]
        want = sorted(
            k for k in owner.values() if k in VISIBLE[role] and (self.only is None or k in self.only)
        )
        body = m.api(m.users[role]).get(f"{API}{self.kind}/?page_size=500{self.query}").json()
        assert sorted(owner[row["id"]] for row in body["results"]) == want
        assert body["count"] == len(want)


@dataclass
class ByCustomer:
    """``?customer=ID``: a visible customer's records; an invisible one looks like a missing one."""

    kind: str

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        owner = m.deals.kinds[self.kind]
        missing = client.get(f"{API}{self.kind}/", {"customer": MISSING})
        for key, pk in m.ids.items():
            r = client.get(f"{API}{self.kind}/", {"customer": pk})
            if key in VISIBLE[role]:
                assert sorted(row["id"] for row in r.json()["results"]) == sorted(
                    i for i, k in owner.items() if k == key
                )
            else:
                assert (r.status_code, r.json()) == (missing.status_code, missing.json())


@dataclass
class Detail:
    """GET of every record of a kind: 200 when its customer is visible, else a bare 404."""

    kind: str

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        for pk, key in m.deals.kinds[self.kind].items():
            r = client.get(f"{API}{self.kind}/{pk}/")
            assert r.status_code == seen(role, key), (key, r.content)
            if r.status_code == 404:
                assert set(r.json()) == {"detail"}


@dataclass
class Action:
    """One request per customer on its record ``record`` (res, sub, con_a, con_b)."""

    method: str
    url: str  # with {id}
    record: str
    status: Callable[[str, str], int]
    body: Callable[[SimpleNamespace, str], dict] | None = None

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        got, want = {}, {}
        for key in m.ids:
            pk = getattr(m.deals, self.record)[key]
            data = self.body(m, key) if self.body else {}
            r = getattr(client, self.method)(f"{API}{self.url.format(id=pk)}", data, format="json")
            got[key], want[key] = r.status_code, self.status(role, key)
        assert got == want


@dataclass
class Create:
    """POST of a new record naming the customer's record in ``field``: owner and managers in
    scope 201, others who see it 403; out of scope the same 400 as an id that does not exist."""

    kind: str
    field: str
    body: Callable[[SimpleNamespace, str], dict]

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        for key in m.ids:
            body = self.body(m, key)
            r = client.post(f"{API}{self.kind}/", body, format="json")
            if key in CONTACT[role]:
                assert r.status_code == 201, (key, r.content)
            elif key in VISIBLE[role]:
                assert r.status_code == 403, (key, r.content)
            else:
                assert r.status_code == 400, (key, r.content)
                missing = client.post(f"{API}{self.kind}/", {**body, self.field: MISSING}, format="json")
                a, b = r.json(), missing.json()
                assert {k: v for k, v in a.items() if k != self.field} == {
                    k: v for k, v in b.items() if k != self.field
                }
                assert without_pk(a[self.field], body[self.field]) == without_pk(b[self.field], MISSING), (
                    a,
                    b,
                )


def _spare(m: SimpleNamespace, key: str, n: int) -> int:
    return m.deals.spares[key][n].pk


def _active(m: SimpleNamespace) -> dict[int, str]:
    """The active subscriptions (one per customer)."""
    return {pk: k for k, pk in m.deals.sub.items()}


def _project_of(m: SimpleNamespace, key: str) -> int:
    return m.inv.projects["p1" if CUSTOMERS[key]["site"] == "s1" else "p2"].pk


SURFACES = {
    "reservations": Rows("reservations"),
    "reservations by customer": ByCustomer("reservations"),
    "reservation detail": Detail("reservations"),
    "reservation create": Create(
        "reservations", "customer",
        lambda m, k: {"project": _project_of(m, k), "customer": m.ids[k], "deposit": "20000.00"},
    ),
    "reservation refund": Action("post", "reservations/{id}/refund/", "res", managed(200)),
    "subscriptions": Rows("subscriptions"),
    "subscriptions overdue": Rows("subscriptions", "&overdue=true", frozenset(OVERDUE), _active),
    "subscriptions active": Rows("subscriptions", "&status=active", records=_active),
    "subscriptions by customer": ByCustomer("subscriptions"),
    "subscription detail": Detail("subscriptions"),
    "subscription create": Create(
        "subscriptions", "customer", lambda m, k: {"unit": _spare(m, k, 2), "customer": m.ids[k]}
    ),
    "subscription cancel": Action("post", "subscriptions/{id}/cancel/", "sub", managed(200)),
    "subscription change unit": Action(
        "post", "subscriptions/{id}/change-unit/", "sub", managed(201), lambda m, k: {"unit": _spare(m, k, 0)}
    ),
    "contracts": Rows("contracts"),
    "contracts by customer": ByCustomer("contracts"),
    "contract detail": Detail("contracts"),
    "contract create": Create(
        "contracts", "subscription", lambda m, k: {"subscription": m.deals.sub[k], "payment_method": "full"}
    ),
    "contract receivables": Action("get", "contracts/{id}/receivables/", "con_a", lambda r, k: seen(r, k)),
    "contract approve (not pending)": Action("post", "contracts/{id}/approve/", "con_a", managed(409)),
    "contract schedule (signed)": Action(
        "post", "contracts/{id}/schedule/", "con_a", dealt(409), lambda m, k: {"schedule": []}
    ),
    "contract cancel": Action("post", "contracts/{id}/cancel/", "con_a", managed(200)),
    "contract change unit": Action(
        "post", "contracts/{id}/change-unit/", "con_a", managed(201), lambda m, k: {"unit": _spare(m, k, 1)}
    ),
    "contract handover": Action("post", "contracts/{id}/handover/", "con_b", managed(200)),
    "payments": Rows("payments"),
    "payments by customer": ByCustomer("payments"),
    "payment detail": Detail("payments"),
    "payment create": Create(
        "payments", "contract",
        lambda m, k: {"contract": m.deals.con_a[k], "amount": "1000.00", "method": "transfer"},
    ),
}  # fmt: skip


# --- the deal pages that exist (the sales-pages work adds more) ----------------------------------


@dataclass
class WebNames:
    """A page listing deals: the names of exactly the visible customers with such deals."""

    url: str
    only: frozenset[str] | None = None

    def check(self, m: SimpleNamespace, role: str) -> None:
        r = session_for(m, role).get(self.url)
        assert r.status_code == 200
        page = r.content.decode()
        want = {k for k in VISIBLE[role] if self.only is None or k in self.only}
        assert {k for k, c in CUSTOMERS.items() if c["name"] in page} == want


@dataclass
class WebAction:
    method: str
    url: str  # with {id}
    record: str
    status: Callable[[str, str], int]

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = session_for(m, role)
        got, want = {}, {}
        for key in m.ids:
            pk = getattr(m.deals, self.record)[key]
            got[key] = getattr(client, self.method)(self.url.format(id=pk)).status_code
            want[key] = self.status(role, key)
        assert got == want


@dataclass
class WebSubscribe:
    """The subscribe form of a unit: 200 for units of a visible project, else 404."""

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = session_for(m, role)
        for key in m.ids:
            r = client.get(f"{reverse('sales:subscription_create')}?unit={_spare(m, key, 2)}")
            project = "p1" if CUSTOMERS[key]["site"] == "s1" else "p2"
            assert r.status_code == (200 if project in PROJECT_SEEN[role] else 404), key


def _url(name: str, *args: object) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


if _url("sales:deal_list"):
    SURFACES["web deal list"] = WebNames(_url("sales:deal_list"))
    SURFACES["web deal list overdue"] = WebNames(_url("sales:deal_list") + "?overdue=1", frozenset(OVERDUE))
if _url("sales:subscription_create"):
    SURFACES["web subscribe form"] = WebSubscribe()
if _url("sales:subscription_cancel", 1):
    SURFACES["web subscription cancel"] = WebAction(
        "post", _url("sales:subscription_cancel", 0).replace("/0/", "/{id}/"), "sub", managed(302)
    )
if _url("sales:contract_create", 1):
    SURFACES["web contract form"] = WebAction(
        "get", _url("sales:contract_create", 0).replace("/0/", "/{id}/"), "sub", dealt(200)
    )
if _url("sales:contract_approve", 1):
    SURFACES["web contract approve"] = WebAction(
        "post", _url("sales:contract_approve", 0).replace("/0/", "/{id}/"), "con_a", managed(302)
    )


@pytest.mark.parametrize("surface", list(SURFACES), ids=list(SURFACES))
@pytest.mark.parametrize("role", ROLES)
def test_deal_scope_matrix(dm: SimpleNamespace, role: str, surface: str) -> None:
    SURFACES[surface].check(dm, role)
