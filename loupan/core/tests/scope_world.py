"""The world of the data-scope matrices: who sees, lists, contacts which customer, written
out by hand, and the ``m`` fixture that builds it (used by every scope matrix).

Every role walks every scoped surface of the API against one small world whose
expected row sets are written out by hand below. A surface is one line in
``SURFACES``: a list endpoint with the customer keys it must return, or a
per-object action with the status it must answer for each customer.

The world (see ``CUSTOMERS``): two sites, s1 and s2.

    key  name    site  owner  pool  phone
    zw   张伟    s1    s1a    -     13812341001
    wf   王芳    s1    s1b    -     13912342002
    ly   刘洋    s1    ag1    -     13712343003
    cj   陈静    s2    s2a    -     13812341001   (same phone as zw, other site)
    ylm  杨丽梅  s1    -      yes   13512345005
    zm   赵敏    s2    -      yes   13412346006
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.test import Client

from loupan.core.masking import mask_phone
from loupan.customers.tests.factories import CustomerFactory
from loupan.sales.models import Activity

pytestmark = pytest.mark.django_db

ROLES = ["admin", "cm", "sm1", "sm2", "s1a", "s1b", "s2a", "ag1"]
MANAGERS = {"admin", "cm", "sm1", "sm2"}
FRONTLINE = {"s1a", "s1b", "s2a", "ag1"}

CUSTOMERS = {
    "zw": dict(name="张伟", site="s1", owner="s1a", phone="13812341001", status="lead", id_number=""),
    "wf": dict(name="王芳", site="s1", owner="s1b", phone="13912342002", status="visited", intent_level="B"),
    "ly": dict(
        name="刘洋", site="s1", owner="ag1", phone="13712343003", intent_level="A", source_id="agency"
    ),
    "cj": dict(name="陈静", site="s2", owner="s2a", phone="13812341001", source_id="phone"),
    "ylm": dict(name="杨丽梅", site="s1", owner=None, phone="13512345005", id_number="110101199003070775"),
    "zm": dict(name="赵敏", site="s2", owner=None, phone="13412346006"),
}
ALL = set(CUSTOMERS)
POOLED = {"ylm", "zm"}
S1 = {k for k, c in CUSTOMERS.items() if c["site"] == "s1"}
S2 = ALL - S1
NOT_AT_S1 = {"sm2", "s2a"}  # roles whose scope has no site s1
NOT_AT_S2 = {"sm1", "s1a", "s1b", "ag1"}

# Who can see which customer at all (detail answers 200, else 404).
VISIBLE = {
    "admin": ALL,
    "cm": ALL,
    "sm1": {"zw", "wf", "ly", "ylm"},
    "sm2": {"cj", "zm"},
    "s1a": {"zw", "ylm"},
    "s1b": {"wf", "ylm"},
    "s2a": {"cj", "zm"},
    "ag1": {"ly", "ylm"},
}
# The default list: managers see their whole scope, salespeople their own customers.
LISTED = {
    "admin": ALL,
    "cm": ALL,
    "sm1": {"zw", "wf", "ly", "ylm"},
    "sm2": {"cj", "zm"},
    "s1a": {"zw"},
    "s1b": {"wf"},
    "s2a": {"cj"},
    "ag1": {"ly"},
}
# ?in_pool=true: the pool of the caller's scope.
POOL = {
    "admin": {"ylm", "zm"},
    "cm": {"ylm", "zm"},
    "sm1": {"ylm"},
    "sm2": {"zm"},
    "s1a": {"ylm"},
    "s1b": {"ylm"},
    "s2a": {"zm"},
    "ag1": {"ylm"},
}
# Full phone and ID number (domain.md rule 4): the owner and managers in scope.
CONTACT = {
    "admin": ALL,
    "cm": ALL,
    "sm1": {"zw", "wf", "ly", "ylm"},
    "sm2": {"cj", "zm"},
    "s1a": {"zw"},
    "s1b": {"wf"},
    "s2a": {"cj"},
    "ag1": {"ly"},
}
SITES = {
    "admin": {"s1", "s2"},
    "cm": {"s1", "s2"},
    "sm1": {"s1"},
    "sm2": {"s2"},
    "s1a": {"s1"},
    "s1b": {"s1"},
    "s2a": {"s2"},
    "ag1": {"s1"},
}
USERS = {
    "admin": set(ROLES),
    "cm": set(ROLES),
    "sm1": {"sm1", "s1a", "s1b", "ag1"},
    "sm2": {"sm2", "s2a"},
    "s1a": {"s1a"},
    "s1b": {"s1b"},
    "s2a": {"s2a"},
    "ag1": {"ag1"},
}
# Where a role may register customers (customer.create): the sites it works at.
CREATES_AT = SITES
# Transfers go to a colleague of the customer's site.
TRANSFER_TO = {"s1": "s1b", "s2": "s2a"}


@pytest.fixture
def m(world, api) -> SimpleNamespace:  # noqa: ANN001
    """The matrix world: ``world`` plus the customers above, one activity each."""
    users = {r: getattr(world, r) for r in ROLES}
    sites = {"s1": world.s1, "s2": world.s2}
    ids: dict[str, int] = {}
    activities: dict[str, int] = {}
    for key, spec in CUSTOMERS.items():
        spec = dict(spec)
        owner_role = spec.pop("owner")
        owner = users[owner_role] if owner_role else None
        site = sites[spec.pop("site")]
        c = CustomerFactory(site=site, owner=owner, in_pool=owner is None, **spec)
        ids[key] = c.pk
        by = owner or (world.sm1 if site == world.s1 else world.sm2)
        activities[key] = Activity.objects.create(customer=c, user=by, kind="call", notes=key).pk
    return SimpleNamespace(
        world=world,
        users=users,
        sites=sites,
        ids=ids,
        keys={v: k for k, v in ids.items()},
        activities=activities,
        activity_keys={v: k for k, v in activities.items()},
        api=api,
    )


def fmt_url(m: SimpleNamespace, url: str, **extra: object) -> str:
    values = {**{k: s.pk for k, s in m.sites.items()}, **{f"u_{r}": u.pk for r, u in m.users.items()}}
    return url.format(**values, **extra)


def with_params(url: str, **params: object) -> str:
    """``url`` with more query parameters (the test client drops a URL's own query when
    given ``data``)."""
    extra = "&".join(f"{k}={v}" for k, v in params.items())
    return url + ("&" if "?" in url else "?") + extra


def shown_phone(key: str, role: str) -> str:
    phone = CUSTOMERS[key]["phone"]
    return phone if key in CONTACT[role] else mask_phone(phone)


def same_error(a, a_pk: int, b, b_pk: int) -> bool:  # noqa: ANN001
    """Two error bodies are the same once the ids they name are blanked out."""
    return without_pk(a.json(), a_pk) == without_pk(b.json(), b_pk)


def without_pk(body: object, pk: int) -> str:
    return json.dumps(body, ensure_ascii=False).replace(f"“{pk}”", "N").replace(f'"{pk}"', "N")


def session_for(m: SimpleNamespace, role: str) -> Client:
    client = Client()
    client.force_login(m.users[role])
    return client
