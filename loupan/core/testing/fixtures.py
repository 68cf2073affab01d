"""The standard test world: two sites, an agency, one user per role and place."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from loupan.org.tests.factories import AgencyFactory, SiteFactory, UserFactory


@pytest.fixture
def world(db) -> SimpleNamespace:  # noqa: ANN001
    """s1/s2 sites; admin, cm (company manager), sm1/sm2 (site managers), s1a/s1b/s2a
    (sales), ag1 (agent at s1) and ag_agency."""
    from loupan.customers.sources import ensure_default_sources

    ensure_default_sources()  # a transactional test's flush empties the migrated list
    s1 = SiteFactory(code="S1", name="一号案场")
    s2 = SiteFactory(code="S2", name="二号案场")
    agency = AgencyFactory(name="好房代理")
    w = SimpleNamespace(s1=s1, s2=s2, agency=agency)
    w.admin = UserFactory(username="admin", role="admin", full_name="管理员")
    w.cm = UserFactory(username="cm", role="company_manager", full_name="总监")
    w.sm1 = UserFactory(username="sm1", role="site_manager", sites=[s1], full_name="一号经理")
    w.sm2 = UserFactory(username="sm2", role="site_manager", sites=[s2], full_name="二号经理")
    w.s1a = UserFactory(username="s1a", role="sales", sites=[s1], full_name="张顾问")
    w.s1b = UserFactory(username="s1b", role="sales", sites=[s1], full_name="李顾问")
    w.s2a = UserFactory(username="s2a", role="sales", sites=[s2], full_name="王顾问")
    w.ag1 = UserFactory(username="ag1", role="agent", sites=[s1], agency=agency, full_name="赵代理")
    return w


@pytest.fixture
def api():  # noqa: ANN201
    """An API client factory: ``api(user)`` is logged in as that user via a token."""
    from rest_framework.authtoken.models import Token

    def make(user=None) -> APIClient:  # noqa: ANN001
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
