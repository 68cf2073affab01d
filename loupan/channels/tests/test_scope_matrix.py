"""The channels surfaces walked by every role, a sibling of loupan/core/tests/test_scope_matrix.py.

The world: ``ch`` (sites s1, s2; agent ag1 of 好房代理 at s1, agent ag2 of 安居代理 at s1 and s2)
and three pending registrations (plus the KPI board of each site for every role):

    key  agent  site  phone
    r1   ag1    s1    13700000001
    r2   ag2    s1    13700000002
    r3   ag2    s2    13700000003
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from loupan.channels.models import Referral
from loupan.channels.tests.factories import RegistrationFactory
from loupan.core.masking import mask_phone
from loupan.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "cm", "sm1", "sm2", "s1a", "s1b", "s2a", "ag1", "ag2"]
REGS = {
    "r1": ("ag1", "s1", "13700000001"),
    "r2": ("ag2", "s1", "13700000002"),
    "r3": ("ag2", "s2", "13700000003"),
}
ALL = set(REGS)
VISIBLE = {
    "admin": ALL, "cm": ALL, "sm1": {"r1", "r2"}, "sm2": {"r3"}, "s1a": {"r1", "r2"}, "s1b": {"r1", "r2"},
    "s2a": {"r3"}, "ag1": {"r1"}, "ag2": {"r2", "r3"},
}  # fmt: skip
CONTACT = {
    "admin": ALL, "cm": ALL, "sm1": {"r1", "r2"}, "sm2": {"r3"}, "s1a": set(), "s1b": set(), "s2a": set(),
    "ag1": {"r1"}, "ag2": {"r2", "r3"},
}  # fmt: skip
AGENTS = {"ag1", "ag2"}
# Referrals follow their buyer's visibility: f1's buyer is s1a's at s1, f2's is s2a's at s2.
REFERRALS = {"f1": ("s1a", "s1", "13800000001"), "f2": ("s2a", "s2", "13800000002")}
REFERRALS_SEEN = {
    "admin": {"f1", "f2"}, "cm": {"f1", "f2"}, "sm1": {"f1"}, "sm2": {"f2"}, "s1a": {"f1"}, "s1b": set(),
    "s2a": {"f2"}, "ag1": set(), "ag2": set(),
}  # fmt: skip
FINANCE = {"admin", "cm"}
MANAGERS = {"admin", "cm", "sm1", "sm2"}


@pytest.fixture
def m(ch, api) -> SimpleNamespace:  # noqa: ANN001
    w = ch.w
    users = {r: getattr(w, r, None) or getattr(ch, r) for r in ROLES}
    sites = {"s1": w.s1, "s2": w.s2}
    ids = {
        key: RegistrationFactory(agent=users[agent], site=sites[site], phone=phone).pk
        for key, (agent, site, phone) in REGS.items()
    }
    referrer = CustomerFactory(site=w.s2, owner=None, in_pool=True, status="owner", phone="13900000009")
    referrals = {
        key: Referral.objects.create(
            referrer=referrer, created_by=w.admin,
            referred=CustomerFactory(site=sites[site], owner=users[owner], phone=phone),
        ).pk
        for key, (owner, site, phone) in REFERRALS.items()
    }  # fmt: skip
    return SimpleNamespace(
        users=users, sites=sites, ids=ids, keys={v: k for k, v in ids.items()}, api=api, referrals=referrals
    )


def _shown(key: str, role: str) -> str:
    phone = REGS[key][2]
    return phone if key in CONTACT[role] else mask_phone(phone)


def check_list(m: SimpleNamespace, role: str) -> None:
    body = m.api(m.users[role]).get("/api/v1/registrations/", {"page_size": 500}).json()
    got = {m.keys[row["id"]]: row["phone"] for row in body["results"]}
    assert got == {k: _shown(k, role) for k in VISIBLE[role]}
    assert body["count"] == len(VISIBLE[role])


def check_search_paging(m: SimpleNamespace, role: str) -> None:
    client = m.api(m.users[role])
    seen, url = set(), "/api/v1/registrations/?page_size=1"
    while url:
        body = client.get(url).json()
        assert body["count"] == len(VISIBLE[role])
        seen |= {m.keys[row["id"]] for row in body["results"]}
        url = body["next"]
    assert seen == VISIBLE[role]


def check_detail(m: SimpleNamespace, role: str) -> None:
    client = m.api(m.users[role])
    got = {k: client.get(f"/api/v1/registrations/{pk}/").status_code for k, pk in m.ids.items()}
    assert got == {k: 200 if k in VISIBLE[role] else 404 for k in m.ids}


def check_confirm(m: SimpleNamespace, role: str) -> None:
    client = m.api(m.users[role])
    got = {
        k: client.post(f"/api/v1/registrations/{pk}/confirm-visit/").status_code for k, pk in m.ids.items()
    }

    def want(key: str) -> int:
        if key not in VISIBLE[role]:
            return 404
        return 403 if role in AGENTS else 200

    assert got == {k: want(k) for k in m.ids}


def check_reject(m: SimpleNamespace, role: str) -> None:
    client = m.api(m.users[role])
    got = {k: client.post(f"/api/v1/registrations/{pk}/reject/").status_code for k, pk in m.ids.items()}

    def want(key: str) -> int:
        if key not in VISIBLE[role]:
            return 404
        return 200 if role in MANAGERS else 403

    assert got == {k: want(k) for k in m.ids}


def check_web_list(m: SimpleNamespace, role: str) -> None:
    client = Client()
    client.force_login(m.users[role])
    page = client.get("/channels/registrations/").content.decode()
    assert {k for k in REGS if mask_phone(REGS[k][2]) in page or REGS[k][2] in page} == VISIBLE[role]
    for key in VISIBLE[role] - CONTACT[role]:
        assert REGS[key][2] not in page


S1_PEOPLE = {"s1a", "s1b", "ag1", "ag2"}
S2_PEOPLE = {"s2a", "ag2"}
KPI_ROWS = {  # site -> role -> the rows of the board (None: the site is refused like a missing one)
    "s1": {"admin": S1_PEOPLE, "cm": S1_PEOPLE, "sm1": S1_PEOPLE, "sm2": None, "s1a": {"s1a"}, "s1b": {"s1b"},
           "s2a": None, "ag1": {"ag1"}, "ag2": {"ag2"}},
    "s2": {"admin": S2_PEOPLE, "cm": S2_PEOPLE, "sm1": None, "sm2": S2_PEOPLE, "s1a": None, "s1b": None,
           "s2a": {"s2a"}, "ag1": None, "ag2": {"ag2"}},
}  # fmt: skip


def check_kpis(m: SimpleNamespace, role: str) -> None:
    client = m.api(m.users[role])
    missing = client.get("/api/v1/kpis/", {"site": 999999})
    by_pk = {u.pk: k for k, u in m.users.items()}
    for site_key, expected in KPI_ROWS.items():
        r = client.get("/api/v1/kpis/", {"site": m.sites[site_key].pk})
        want = expected[role]
        if want is None:
            assert (r.status_code, r.json()) == (missing.status_code, missing.json())
            continue
        assert r.status_code == 200, r.content
        assert {by_pk[row["user"]] for row in r.json()["results"]} == want
        assert ("teams" in r.json()) == (role in MANAGERS)


def check_web_kpis(m: SimpleNamespace, role: str) -> None:
    client = Client()
    client.force_login(m.users[role])
    for site_key, expected in KPI_ROWS.items():
        r = client.get("/channels/kpis/", {"site": m.sites[site_key].pk})
        want = expected[role]
        if want is None:
            assert r.status_code == 404
            continue
        page = r.content.decode()
        shown = {k for k, u in m.users.items() if f'data-user="{u.pk}"' in page}
        assert shown == want


def check_referrals(m: SimpleNamespace, role: str) -> None:
    client = m.api(m.users[role])
    keys = {pk: k for k, pk in m.referrals.items()}
    body = client.get("/api/v1/referrals/", {"page_size": 500}).json()
    assert {keys[row["id"]] for row in body["results"]} == REFERRALS_SEEN[role]
    got = {k: client.get(f"/api/v1/referrals/{pk}/").status_code for k, pk in m.referrals.items()}
    assert got == {k: 200 if k in REFERRALS_SEEN[role] else 404 for k in m.referrals}


def check_finance(m: SimpleNamespace, role: str) -> None:
    client = m.api(m.users[role])
    agency = m.users["ag1"].agency_id
    for url in (
        "/api/v1/agency-contracts/", "/api/v1/commission-statements/", f"/api/v1/commission/?agency={agency}",
    ):  # fmt: skip
        assert client.get(url).status_code == (200 if role in FINANCE else 403), url


SURFACES = {
    "list": check_list,
    "paging": check_search_paging,
    "detail": check_detail,
    "confirm-visit": check_confirm,
    "reject": check_reject,
    "web list": check_web_list,
    "kpis": check_kpis,
    "web kpis": check_web_kpis,
    "referrals": check_referrals,
    "finance": check_finance,
}


@pytest.mark.parametrize("surface", list(SURFACES), ids=list(SURFACES))
@pytest.mark.parametrize("role", ROLES)
def test_channels_scope_matrix(m: SimpleNamespace, role: str, surface: str) -> None:
    SURFACES[surface](m, role)
