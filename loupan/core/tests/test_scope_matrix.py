"""The generic data-scope matrix (domain.md rules 1-5, architecture.md rule 7).

Every role walks every scoped surface of the API against one small world whose
expected row sets are written out by hand (in ``scope_world.py``). A surface is one line in
``SURFACES``: a list endpoint with the customer keys it must return, or a
per-object action with the status it must answer for each customer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from loupan.core.masking import mask_phone
from loupan.core.models import AuditEvent
from loupan.core.tests.scope_world import (
    CONTACT,
    CREATES_AT,
    CUSTOMERS,
    FRONTLINE,
    LISTED,
    MANAGERS,
    NOT_AT_S1,
    NOT_AT_S2,
    POOL,
    POOLED,
    ROLES,
    S1,
    S2,
    SITES,
    TRANSFER_TO,
    USERS,
    VISIBLE,
    fmt_url,
    same_error,
    session_for,
    shown_phone,
    with_params,
)
from loupan.customers.models import Customer

pytestmark = pytest.mark.django_db


# --- surface kinds ------------------------------------------------------------------------------


@dataclass
class Rows:
    """A customer list: exactly ``expected(role)`` rows, each phone masked per rule 4.

    ``refused``: roles for whom a filter value (a site or colleague) lies outside their
    scope; they get the same 400 on that field as for an id that does not exist.
    """

    url: str
    expected: Callable[[str], set[str]]
    refused: dict[str, set[str]] = field(default_factory=dict)

    def check(self, m: SimpleNamespace, role: str) -> None:
        r = m.api(m.users[role]).get(with_params(fmt_url(m, self.url), page_size=500))
        for param, roles in self.refused.items():
            if role in roles:
                assert r.status_code == 400 and param in r.json(), r.content
                return
        assert r.status_code == 200, r.content
        body = r.json()
        assert set(body) == {"count", "next", "previous", "results"}
        got = {m.keys[row["id"]]: row["phone"] for row in body["results"]}
        want = self.expected(role)
        assert set(got) == want
        assert body["count"] == len(want)
        assert got == {k: shown_phone(k, role) for k in want}


@dataclass
class Count:
    """``count`` of a one-row page equals the size of the scope, and paging does not leak."""

    url: str
    expected: Callable[[str], set[str]]

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        want = self.expected(role)
        seen = set()
        url = with_params(fmt_url(m, self.url), page_size=1)
        while url:
            body = client.get(url).json()
            assert body["count"] == len(want)
            seen |= {m.keys[row["id"]] for row in body["results"]}
            url = body["next"]
        assert seen == want


@dataclass
class Export:
    """Customer export: managers get exactly their scope (full phones), others 403."""

    fmt: str
    url: str = "/api/v1/customers/export/"
    expected: Callable[[str], set[str]] = lambda role: VISIBLE[role]  # noqa: E731
    refused: set[str] = field(default_factory=set)  # a filter value outside the role's scope

    def check(self, m: SimpleNamespace, role: str) -> None:
        r = m.api(m.users[role]).get(with_params(fmt_url(m, self.url), format=self.fmt))
        if role in self.refused:
            assert r.status_code == 400
            assert not AuditEvent.objects.filter(action="export").exists()
            return
        if role not in MANAGERS:
            assert r.status_code == 403
            assert not AuditEvent.objects.filter(action="export").exists()
            return
        assert r.status_code == 200, r.content
        if self.fmt == "csv":
            lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        else:
            sheet = load_workbook(io.BytesIO(r.content), read_only=True).active
            lines = [list(row) for row in sheet.iter_rows(values_only=True)]
        data = lines[3:]  # two title lines and the header
        got = {m.keys[int(row[0])]: (row[1], str(row[2])) for row in data}
        want = self.expected(role)
        assert got == {k: (CUSTOMERS[k]["name"], shown_phone(k, role)) for k in want}
        event = AuditEvent.objects.get(action="export")
        assert event.actor == m.users[role]
        assert event.detail["row_count"] == len(want)


@dataclass
class PerCustomer:
    """One request per customer; ``status(role, key)`` is the answer it must get."""

    method: str
    url: str
    status: Callable[[str, str], int]
    body: Callable[[SimpleNamespace, str], dict] | None = None

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        got, want = {}, {}
        for key, pk in m.ids.items():
            data = self.body(m, key) if self.body else None
            r = getattr(client, self.method)(fmt_url(m, self.url, id=pk), data, format="json")
            got[key] = r.status_code
            want[key] = self.status(role, key)
            if r.status_code == 404:
                assert r.json() == {"detail": r.json()["detail"]}  # nothing but a detail
        assert got == want


@dataclass
class PerActivity:
    """Activity detail: visible exactly when its customer is."""

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        got = {k: client.get(f"/api/v1/activities/{pk}/").status_code for k, pk in m.activities.items()}
        assert got == {k: 200 if k in VISIBLE[role] else 404 for k in m.activities}


@dataclass
class Activities:
    """Activity list (optionally filtered by customer): rows of visible customers only."""

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        body = client.get("/api/v1/activities/", {"page_size": 500}).json()
        assert {m.activity_keys[row["id"]] for row in body["results"]} == VISIBLE[role]
        assert body["count"] == len(VISIBLE[role])
        # Filtering by an out-of-scope customer looks exactly like filtering by a missing one.
        missing = client.get("/api/v1/activities/", {"customer": max(m.ids.values()) + 1000})
        for key, pk in m.ids.items():
            r = client.get("/api/v1/activities/", {"customer": pk})
            if key in VISIBLE[role]:
                assert [row["id"] for row in r.json()["results"]] == [m.activities[key]]
            else:
                assert (r.status_code, r.json()) == (missing.status_code, missing.json())


@dataclass
class ActivityCreate:
    """Following up: the owner and managers in scope (201), other visible 403, else as missing."""

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        missing_pk = max(m.ids.values()) + 1000
        missing = client.post("/api/v1/activities/", {"customer": missing_pk, "kind": "call"}, format="json")
        assert missing.status_code == 400
        for key, pk in m.ids.items():
            r = client.post("/api/v1/activities/", {"customer": pk, "kind": "call"}, format="json")
            if key in CONTACT[role]:
                assert r.status_code == 201, (key, r.content)
            elif key in VISIBLE[role]:
                assert r.status_code == 403, (key, r.content)
            else:  # out of scope: the same answer as for a customer that does not exist
                assert r.status_code == 400
                assert same_error(r, pk, missing, missing_pk)


@dataclass
class Names:
    """A dropdown endpoint: exactly the expected sites or users."""

    url: str
    expected: dict[str, set[str]]
    kind: str  # "sites" or "users"

    def check(self, m: SimpleNamespace, role: str) -> None:
        r = m.api(m.users[role]).get(self.url, {"page_size": 500})
        assert r.status_code == 200
        objs = m.sites if self.kind == "sites" else m.users
        by_pk = {o.pk: k for k, o in objs.items()}
        assert {by_pk[row["id"]] for row in r.json()["results"]} == self.expected[role]


@dataclass
class Status:
    """A plain GET whose status depends only on the role."""

    url: str
    allowed: set[str]

    def check(self, m: SimpleNamespace, role: str) -> None:
        r = m.api(m.users[role]).get(self.url)
        assert r.status_code == (200 if role in self.allowed else 403)


@dataclass
class Duplicate:
    """撞单: registering a known phone at its site answers 409 with a masked phone and the
    owner's name only; at a site the caller does not work at, 403 (and nothing leaks)."""

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        for key, spec in CUSTOMERS.items():
            raw = f"+86 {spec['phone'][:3]}-{spec['phone'][3:7]}-{spec['phone'][7:]}"
            r = client.post(
                "/api/v1/customers/",
                {"name": "新客户", "phone": raw, "site": m.sites[spec["site"]].pk},
                format="json",
            )
            if spec["site"] not in CREATES_AT[role]:
                assert r.status_code == 403, (key, r.content)
                assert spec["phone"][3:7] not in r.content.decode()
                continue
            assert r.status_code == 409, (key, r.content)
            body = r.json()
            assert set(body) == {"code", "detail", "owner_name", "phone"}
            assert body["code"] == "duplicate_customer"
            assert (
                body["phone"] == mask_phone(spec["phone"]) == f"{spec['phone'][:3]}****{spec['phone'][-4:]}"
            )
            if spec["owner"]:
                assert body["owner_name"] == m.users[spec["owner"]].display_name
            else:  # a pool customer names no one
                assert body["owner_name"] and body["owner_name"] not in {
                    u.display_name for u in m.users.values()
                }
            assert spec["phone"] not in body["detail"] and spec["name"] not in body["detail"]
        assert Customer.objects.count() == len(CUSTOMERS)


@dataclass
class Contact:
    """Detail of every visible customer: phone and ID number full or masked per rule 4."""

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = m.api(m.users[role])
        for key in VISIBLE[role]:
            body = client.get(f"/api/v1/customers/{m.ids[key]}/").json()
            assert body["phone"] == shown_phone(key, role), key
            id_number = CUSTOMERS[key].get("id_number", "")
            if id_number:
                shown = id_number if key in CONTACT[role] else id_number[:4] + "*" * 10 + id_number[-4:]
                assert body["id_number"] == shown, key


# --- expected statuses for per-customer actions ------------------------------------------------


def detail_status(role: str, key: str) -> int:
    return 200 if key in VISIBLE[role] else 404


def update_status(role: str, key: str) -> int:
    if key not in VISIBLE[role]:
        return 404
    return 200 if key in CONTACT[role] else 403


def delete_status(role: str, key: str) -> int:
    if key not in VISIBLE[role]:
        return 404
    return 204 if role == "admin" else 403


def claim_status(role: str, key: str) -> int:
    if key not in VISIBLE[role]:
        return 404
    return 200 if role in FRONTLINE and key in POOLED else 403


def release_status(role: str, key: str) -> int:
    if key not in VISIBLE[role]:
        return 404
    if key in POOLED:  # managers: already in the pool; salespeople: not theirs
        return 409 if role in MANAGERS else 403
    return 200  # the owner, or a manager in scope


def transfer_status(role: str, key: str) -> int:
    if key not in VISIBLE[role]:
        return 404
    return 200 if role in MANAGERS else 403


def transfer_body(m: SimpleNamespace, key: str) -> dict:
    return {"owner": m.users[TRANSFER_TO[CUSTOMERS[key]["site"]]].pk}


def matching(*keys: str) -> Callable[[str], set[str]]:
    return lambda role: LISTED[role] & set(keys)


def pool_matching(*keys: str) -> Callable[[str], set[str]]:
    return lambda role: POOL[role] & set(keys)


C = "/api/v1/customers/"
SURFACES = {
    "list": Rows(C, LISTED.get),
    "count": Count(C, LISTED.get),
    "pool": Rows(C + "?in_pool=true", POOL.get),
    "pool count": Count(C + "?in_pool=true", POOL.get),
    "not pool": Rows(C + "?in_pool=false", lambda r: LISTED[r] - POOLED),
    "search name 2 chars": Rows(C + "?search=张伟", matching("zw")),
    "search name prefix": Rows(C + "?search=王", matching("wf")),
    "search name 3 chars": Rows(C + "?search=杨丽梅", matching("ylm")),
    "search initials": Rows(C + "?search=ly", matching("ly")),
    "search initials shared prefix": Rows(C + "?search=Z", matching("zw", "zm")),
    "search phone": Rows(C + "?search=13812341001", matching("zw", "cj")),
    "search phone spaced": Rows(C + "?search=138 1234 1001", matching("zw", "cj")),
    "search last4": Rows(C + "?search=1001", matching("zw", "cj")),
    "search last4 other": Rows(C + "?search=3003", matching("ly")),
    "search pool name": Rows(C + "?in_pool=true&search=杨", pool_matching("ylm")),
    "search pool last4": Rows(C + "?in_pool=true&search=6006", pool_matching("zm")),
    "search pool count": Count(C + "?in_pool=true&search=yl", pool_matching("ylm")),
    "filter site s1": Rows(C + "?site={s1}", lambda r: LISTED[r] & S1, {"site": NOT_AT_S1}),
    "filter site s2": Rows(C + "?site={s2}", lambda r: LISTED[r] & S2, {"site": NOT_AT_S2}),
    "filter unknown site": Rows(C + "?site=999999", lambda r: set(), {"site": set(ROLES)}),
    "filter unknown owner": Rows(C + "?owner=999999", lambda r: set(), {"owner": set(ROLES)}),
    "filter status": Rows(C + "?status=visited", matching("wf")),
    "filter level": Rows(C + "?level=A", matching("ly")),
    "filter source": Rows(C + "?source=phone", matching("cj")),
    "filter owner": Rows(C + "?owner={u_s1a}", matching("zw"), {"owner": {"sm2", "s1b", "s2a", "ag1"}}),
    "filter site+pool": Rows(C + "?site={s2}&in_pool=true", lambda r: POOL[r] & S2, {"site": NOT_AT_S2}),
    "detail": PerCustomer("get", C + "{id}/", detail_status),
    "contact masking": Contact(),
    "update": PerCustomer("patch", C + "{id}/", update_status, lambda m, k: {"notes": "改"}),
    "delete": PerCustomer("delete", C + "{id}/", delete_status),
    "claim": PerCustomer("post", C + "{id}/claim/", claim_status),
    "release": PerCustomer("post", C + "{id}/release/", release_status),
    "transfer": PerCustomer("post", C + "{id}/transfer/", transfer_status, transfer_body),
    "duplicate": Duplicate(),
    "export csv": Export("csv"),
    "export xlsx": Export("xlsx"),
    "export filtered": Export("csv", C + "export/?site={s1}", lambda r: VISIBLE[r] & S1, {"sm2"}),
    "export searched": Export("xlsx", C + "export/?search=1001", lambda r: VISIBLE[r] & {"zw", "cj"}),
    "sites dropdown": Names("/api/v1/sites/", SITES, "sites"),
    "users dropdown": Names("/api/v1/users/", USERS, "users"),
    "activities": Activities(),
    "activity detail": PerActivity(),
    "activity create": ActivityCreate(),
    "audit events": Status("/api/v1/audit-events/", {"admin", "cm"}),
    "agencies": Status("/api/v1/agencies/", {"admin", "cm"}),
}


# --- the web pages, when they exist (the matrix does not depend on them) ------------------------


@dataclass
class WebList:
    """A customer list page: exactly the expected customers' names, phones masked per rule 4."""

    url: str
    expected: Callable[[str], set[str]]

    def check(self, m: SimpleNamespace, role: str) -> None:
        r = session_for(m, role).get(fmt_url(m, self.url))
        assert r.status_code == 200
        page = r.content.decode()
        want = self.expected(role)
        assert {k for k, c in CUSTOMERS.items() if c["name"] in page} == want
        for key in want:
            phone = CUSTOMERS[key]["phone"]
            if key not in CONTACT[role]:
                assert phone not in page, key


@dataclass
class WebDetail:
    """A customer's page: 200 in scope (full phone only for owner and managers), else 404."""

    def check(self, m: SimpleNamespace, role: str) -> None:
        client = session_for(m, role)
        got = {}
        for key, pk in m.ids.items():
            r = client.get(f"/customers/{pk}/")
            got[key] = r.status_code
            if r.status_code == 200:
                page = r.content.decode()
                assert (CUSTOMERS[key]["phone"] in page) == (key in CONTACT[role]), key
        assert got == {k: detail_status(role, k) for k in m.ids}


@dataclass
class WebExport:
    """The export download of the web UI: managers get their scope, others 403."""

    def check(self, m: SimpleNamespace, role: str) -> None:
        r = session_for(m, role).get("/customers/export/?format=csv")
        if role not in MANAGERS:
            assert r.status_code == 403
            return
        assert r.status_code == 200
        lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert {m.keys[int(row[0])] for row in lines[3:]} == VISIBLE[role]


def _web_ui_exists() -> bool:
    try:
        return reverse("customers:detail", args=[1]) == "/customers/1/" and bool(reverse("customers:export"))
    except NoReverseMatch:
        return False


if _web_ui_exists():
    SURFACES |= {
        "web list": WebList("/customers/", LISTED.get),
        "web search": WebList("/customers/?search=1001", matching("zw", "cj")),
        "web filter site": WebList("/customers/?site={s1}", lambda r: LISTED[r] & S1),
        "web detail": WebDetail(),
        "web export": WebExport(),
    }


@pytest.mark.parametrize("surface", list(SURFACES), ids=list(SURFACES))
@pytest.mark.parametrize("role", ROLES)
def test_scope_matrix(m: SimpleNamespace, role: str, surface: str) -> None:
    SURFACES[surface].check(m, role)


def test_matrix_tables_are_consistent() -> None:
    """The hand-written tables agree with each other (guards against typos in them)."""
    for role in ROLES:
        assert LISTED[role] <= VISIBLE[role]
        assert POOL[role] <= VISIBLE[role] and POOL[role] <= POOLED
        assert CONTACT[role] <= VISIBLE[role]
        if role in FRONTLINE:
            assert VISIBLE[role] == LISTED[role] | POOL[role]
            assert not CONTACT[role] & POOLED
