"""Framework pages: login/logout, lockout, the home page, navigation per role, language, audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loupan.core.models import AuditEvent
from loupan.core.testing.clients import client_for
from loupan.customers.models import Customer
from loupan.customers.tests.factories import CustomerFactory
from loupan.org.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_and_login(world) -> None:  # noqa: ANN001
    client = Client()
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="password"' in response.content
    response = client.post(reverse("login"), {"username": "s1a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "张顾问" in client.get(reverse("home")).content.decode()


def test_bad_password_shows_an_error_and_lockout_page(world) -> None:  # noqa: ANN001
    client = Client()
    response = client.post(reverse("login"), {"username": "s1a", "password": "wrong"})
    assert response.status_code == 200 and 'class="msg msg-error"' in response.content.decode()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "s1a", "password": "wrong"})
    assert response.status_code == 429
    assert "15" in response.content.decode()  # "Try again in 15 minutes."


def test_logout_is_a_post(world) -> None:  # noqa: ANN001
    client = client_for(world.s1a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("username", ["admin", "cm", "sm1", "s1a", "ag1"])
def test_home_renders_for_every_role(world, username) -> None:  # noqa: ANN001
    response = client_for(getattr(world, username)).get(reverse("home"))
    assert response.status_code == 200
    assert b'name="language"' in response.content
    assert b'hx-headers=\'{"X-CSRFToken": "' in response.content


def test_home_lists_follow_ups_and_customers_about_to_go_to_the_pool(world) -> None:  # noqa: ANN001
    now = timezone.now()
    due = CustomerFactory(
        owner=world.s1a, site=world.s1, name="今天跟进", next_action_at=now - dt.timedelta(hours=1)
    )
    later = CustomerFactory(
        owner=world.s1a, site=world.s1, name="下周跟进", next_action_at=now + dt.timedelta(days=7)
    )
    idle = CustomerFactory(
        owner=world.s1a, site=world.s1, name="快掉公海", last_touched_at=now - dt.timedelta(days=28)
    )
    CustomerFactory(owner=world.s1b, site=world.s1, name="别人的", next_action_at=now)
    response = client_for(world.s1a).get(reverse("home"))
    body = response.content.decode()
    assert due.name in body and later.name not in body and "别人的" not in body
    assert idle.name in body
    deadline = timezone.localtime(idle.idle_deadline()).strftime("%Y-%m-%d")
    assert deadline in body
    assert response.context["counts"]["mine"] == 3


@pytest.mark.parametrize("count", [5, 50])
def test_home_query_count_is_bounded(world, count, django_assert_max_num_queries) -> None:  # noqa: ANN001
    now = timezone.now()
    for i in range(count):
        CustomerFactory(
            owner=world.s1a, site=world.s1, next_action_at=now, last_touched_at=now - dt.timedelta(days=29),
            phone=f"1350000{i:04d}",
        )  # fmt: skip
    client = client_for(world.s1a)
    client.get(reverse("home"))
    with django_assert_max_num_queries(15):
        client.get(reverse("home"))


def _nav_links(client: Client) -> set[str]:
    body = client.get(reverse("home")).content.decode()
    return {
        name
        for name, url in {
            "export": reverse("customers:export"),
            "sites": reverse("org:sites"),
            "agencies": reverse("org:agencies"),
            "users": reverse("org:users"),
            "audit": reverse("audit_log"),
        }.items()
        if f'href="{url}"' in body
    }


def test_navigation_follows_the_role(world) -> None:  # noqa: ANN001
    assert _nav_links(client_for(world.s1a)) == set()
    assert _nav_links(client_for(world.ag1)) == set()
    assert _nav_links(client_for(world.sm1)) == {"export"}
    assert _nav_links(client_for(world.cm)) == {"export", "sites", "agencies", "users", "audit"}
    assert _nav_links(client_for(world.admin)) == {"export", "sites", "agencies", "users", "audit"}


def test_chinese_by_default_and_english_switch(world) -> None:  # noqa: ANN001
    client = client_for(world.s1a)
    url = reverse("customers:create")
    response = client.post(url, {})
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "该字段是必填项。" in response.content.decode()  # Django's own zh-hans catalogue

    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    response = client.post(url, {})
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "This field is required." in body and "该字段是必填项。" not in body


def test_audit_log_for_company_managers_and_admins(world) -> None:  # noqa: ANN001
    customer = CustomerFactory(owner=world.s1a, site=world.s1)
    client_for(world.s1a).post(reverse("customers:release", args=[customer.pk]))
    other = CustomerFactory(owner=world.s1b, site=world.s1)
    client_for(world.s1b).post(reverse("customers:release", args=[other.pk]))
    for user in (world.cm, world.admin):
        response = client_for(user).get(
            reverse("audit_log"), {"object_type": "customer", "object_id": customer.pk, "action": "release"}
        )
        assert response.status_code == 200
        events = list(response.context["page"].object_list)
        assert [(e.object_id, e.action) for e in events] == [(customer.pk, "release")]
    for user in (world.sm1, world.s1a, world.ag1):
        assert client_for(user).get(reverse("audit_log")).status_code == 403
    assert AuditEvent.objects.filter(action="denied", detail__path=reverse("audit_log")).count() == 3
    assert Customer.objects.filter(in_pool=True).count() == 2


def test_vendored_assets_and_no_cdn() -> None:
    base = Path(settings.BASE_DIR)
    for name in ("htmx.min.js", "echarts.min.js"):
        assert (base / "static" / "vendor" / name).stat().st_size > 10_000
    for template in (base / "templates").rglob("*.html"):
        text = template.read_text()
        assert "//cdn" not in text and "unpkg.com" not in text and "jsdelivr" not in text, template
