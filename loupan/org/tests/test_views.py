"""Organisation pages: admins write, company managers read, everyone else gets 403."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from loupan.core.testing.clients import client_for
from loupan.customers.tests.factories import CustomerFactory
from loupan.org.models import Agency, Site, User
from loupan.org.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LISTS = ["org:sites", "org:agencies", "org:users"]


@pytest.mark.parametrize("username", ["admin", "cm"])
def test_lists_render_for_admin_and_company_manager(world, username) -> None:  # noqa: ANN001
    client = client_for(getattr(world, username))
    for name in LISTS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    body = client.get(reverse("org:users")).content.decode()
    assert "张顾问" in body and "s2a" in body
    assert "一号案场" in client.get(reverse("org:sites")).content.decode()
    assert "好房代理" in client.get(reverse("org:agencies")).content.decode()


def test_edit_buttons_only_for_admin(world) -> None:  # noqa: ANN001
    edit = reverse("org:site_edit", args=[world.s1.pk])
    assert edit in client_for(world.admin).get(reverse("org:sites")).content.decode()
    assert edit not in client_for(world.cm).get(reverse("org:sites")).content.decode()


@pytest.mark.parametrize("username", ["sm1", "s1a", "ag1"])
def test_others_get_403(world, username) -> None:  # noqa: ANN001
    client = client_for(getattr(world, username))
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("org:site_edit", args=[world.s1.pk])).status_code == 403


def test_company_manager_cannot_write(world) -> None:  # noqa: ANN001
    client = client_for(world.cm)
    assert client.get(reverse("org:site_create")).status_code == 403
    assert client.post(reverse("org:site_edit", args=[world.s1.pk]), {"name": "x"}).status_code == 403
    assert client.post(reverse("org:agency_deactivate", args=[world.agency.pk])).status_code == 403
    assert client.post(reverse("org:user_deactivate", args=[world.s1a.pk])).status_code == 403
    world.agency.refresh_from_db()
    world.s1a.refresh_from_db()
    assert world.agency.is_active and world.s1a.is_active


def _site_data(**extra) -> dict:  # noqa: ANN003
    data = {
        "code": "S9", "name": "九号案场", "address": "", "is_active": "on", "pool_after_days": "30",
        "pool_claims_per_day": "5", "max_customers_per_user": "2000", "pool_days_lead": "7",
    }  # fmt: skip
    data.update(extra)
    return data


def test_admin_creates_and_edits_a_site(world) -> None:  # noqa: ANN001
    client = client_for(world.admin)
    assert client.post(reverse("org:site_create"), _site_data()).status_code == 302
    site = Site.objects.get(code="S9")
    assert site.pool_after_days_by_status == {"lead": 7}
    form = client.get(reverse("org:site_edit", args=[site.pk])).context["form"]
    assert form.initial["pool_days_lead"] == 7
    data = _site_data(pool_days_lead="", pool_days_visited="14", pool_claims_per_day="3")
    assert client.post(reverse("org:site_edit", args=[site.pk]), data).status_code == 302
    site.refresh_from_db()
    assert site.pool_after_days_by_status == {"visited": 14} and site.pool_claims_per_day == 3


def test_site_errors_show_on_the_form(world) -> None:  # noqa: ANN001
    response = client_for(world.admin).post(reverse("org:site_create"), _site_data(code="S1"))
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    response = client_for(world.admin).post(reverse("org:site_create"), _site_data(pool_after_days="0"))
    assert "pool_after_days" in response.context["form"].errors


def test_admin_creates_agency_and_deactivates_it(world) -> None:  # noqa: ANN001
    client = client_for(world.admin)
    data = {"name": "新代理", "contract_start": "2026-01-01", "contract_end": ""}
    assert client.post(reverse("org:agency_create"), data).status_code == 302
    assert Agency.objects.get(name="新代理").contract_end is None
    bad = {"name": "坏代理", "contract_start": "2026-06-01", "contract_end": "2026-01-01"}
    response = client.post(reverse("org:agency_create"), bad)
    assert "contract_end" in response.context["form"].errors

    customer = CustomerFactory(owner=world.ag1, site=world.s1)
    agent = client_for(world.ag1)
    assert agent.get(reverse("home")).status_code == 200
    response = client.post(reverse("org:agency_deactivate", args=[world.agency.pk]), follow=True)
    assert response.status_code == 200
    world.agency.refresh_from_db()
    world.ag1.refresh_from_db()
    customer.refresh_from_db()
    assert not world.agency.is_active and not world.ag1.is_active
    assert customer.in_pool and customer.owner is None
    assert agent.get(reverse("home")).status_code == 302  # logged out at once


def test_admin_creates_user_with_sites(world) -> None:  # noqa: ANN001
    client = client_for(world.admin)
    data = {
        "username": "newbie", "full_name": "新人", "role": "sales", "sites": [world.s1.pk, world.s2.pk],
        "is_active": "on", "on_duty": "on", "password": "Very-Long-Pass-2026!",
    }  # fmt: skip
    assert client.post(reverse("org:user_create"), data).status_code == 302
    user = User.objects.get(username="newbie")
    assert set(user.sites.all()) == {world.s1, world.s2}
    assert user.check_password("Very-Long-Pass-2026!")


def test_user_form_errors(world) -> None:  # noqa: ANN001
    client = client_for(world.admin)
    data = {"username": "x1", "role": "agent", "is_active": "on", "password": "Very-Long-Pass-2026!"}
    response = client.post(reverse("org:user_create"), data)
    assert "agency" in response.context["form"].errors
    data = {"username": "x2", "role": "sales", "is_active": "on", "password": "123"}
    response = client.post(reverse("org:user_create"), data)
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_admin_edits_and_deactivates_user(world) -> None:  # noqa: ANN001
    client = client_for(world.admin)
    customer = CustomerFactory(owner=world.s1a, site=world.s1)
    data = {
        "username": "s1a",
        "full_name": "张大顾问",
        "role": "sales",
        "sites": [world.s1.pk],
        "is_active": "on",
    }
    assert client.post(reverse("org:user_edit", args=[world.s1a.pk]), data).status_code == 302
    world.s1a.refresh_from_db()
    assert world.s1a.full_name == "张大顾问" and world.s1a.check_password(PASSWORD)

    victim = Client()
    victim.force_login(world.s1a)
    page = client.get(reverse("org:user_edit", args=[world.s1a.pk])).context["deactivate_form"]
    assert world.s1b in set(page.fields["hand_to"].queryset)
    response = client.post(reverse("org:user_deactivate", args=[world.s1a.pk]), {"hand_to": world.s1b.pk})
    assert response.status_code == 302
    world.s1a.refresh_from_db()
    customer.refresh_from_db()
    assert not world.s1a.is_active and customer.owner == world.s1b
    assert victim.get(reverse("home")).status_code == 302
    assert not Session.objects.filter(session_key=victim.session.session_key).exists()


def test_admin_cannot_deactivate_self(world) -> None:  # noqa: ANN001
    client = client_for(world.admin)
    response = client.post(reverse("org:user_deactivate", args=[world.admin.pk]), follow=True)
    world.admin.refresh_from_db()
    assert world.admin.is_active
    assert any(m.level_tag == "error" for m in response.context["messages"])
