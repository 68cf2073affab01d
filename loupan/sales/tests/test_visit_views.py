"""Reception and work log pages: rendering, scope (404), permissions (403), the forms."""

from __future__ import annotations

import pytest
from django.utils import timezone

from loupan.core.testing.clients import client_for as browser
from loupan.customers.tests.factories import CustomerFactory
from loupan.sales import services
from loupan.sales.models import Activity, ReceptionSlot, Visit, WorkLogNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(world):  # noqa: ANN001, ANN201
    for user in (world.s1a, world.s1b):
        services.reception_slot_add(actor=world.sm1, site=world.s1, user=user)


def test_desk_registers_a_walk_in_and_says_who_receives(world, queue):  # noqa: ANN001
    client = browser(world.s1b)  # a salesperson at the desk, with one site: no site to choose
    page = client.get("/visits/desk/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="next-receiver">张顾问<' in html and "来访登记" in html
    r = client.post("/visits/desk/", {"site": world.s1.pk, "phone": "138-0000-5555", "name": "钱多多", "gender": "F",
                                      "source": "walk_in", "party_size": 3, "notes": "看大户型"}, follow=True)  # fmt: skip
    assert r.status_code == 200
    visit = Visit.objects.get()
    assert (visit.assigned_to, visit.registered_by, visit.party_size, visit.customer.gender) == (
        world.s1a, world.s1b, 3, "F")  # fmt: skip
    assert "张顾问" in r.content.decode() and 'id="next-receiver">李顾问<' in r.content.decode()
    assert "钱多多" not in r.content.decode()  # not their customer: the desk does not show it


def test_desk_shows_errors_on_the_form(world, queue):  # noqa: ANN001
    client = browser(world.sm1)
    r = client.post(
        "/visits/desk/", {"site": world.s1.pk, "phone": "138", "party_size": 1, "source": "walk_in"}
    )
    assert r.status_code == 200 and not Visit.objects.exists()
    assert "has-error" in r.content.decode()
    ReceptionSlot.objects.all().delete()
    r = client.post("/visits/desk/", {"site": world.s1.pk, "phone": "13800005556", "name": "甲", "party_size": 1,
                                      "source": "walk_in"})  # fmt: skip
    assert r.status_code == 200 and "没有在岗" in r.content.decode()


def test_desk_scope(world, queue):  # noqa: ANN001
    assert browser(world.s2a).get(f"/visits/desk/?site={world.s1.pk}").status_code == 404
    assert browser(world.s1a).get("/visits/desk/?site=abc").status_code == 404
    cm_page = browser(world.cm).get("/visits/desk/")  # several sites: asks which
    assert cm_page.status_code == 200 and "一号案场" in cm_page.content.decode()


def test_lookup_names_only_the_owner_and_a_masked_phone(world, queue):  # noqa: ANN001
    CustomerFactory(site=world.s1, owner=world.s1a, phone="13800006666", name="隐私客户", status="visited")
    client = browser(world.s1b)
    html = client.get("/visits/desk/lookup/", {"site": world.s1.pk, "phone": "13800006666"}).content.decode()
    assert "138****6666" in html and "张顾问" in html and "复访" in html
    assert "隐私客户" not in html and "13800006666" not in html
    html = client.get("/visits/desk/lookup/", {"site": world.s1.pk, "phone": "13800007777"}).content.decode()
    assert "新访客" in html and "张顾问" in html
    assert (
        client.get("/visits/desk/lookup/", {"site": world.s1.pk, "phone": "12"}).content.decode().strip()
        == ""
    )
    assert (
        browser(world.s2a).get("/visits/desk/lookup/", {"site": world.s1.pk, "phone": "1"}).status_code == 404
    )


def test_rotation_page_for_the_site_manager(world, queue):  # noqa: ANN001
    client = browser(world.sm1)
    page = client.get(f"/visits/rotation/?site={world.s1.pk}")
    assert page.status_code == 200 and "赵代理" in page.content.decode()  # ag1 can be added
    url = f"/visits/rotation/{world.s1.pk}/"
    assert client.post(url, {"user": world.s1b.pk, "action": "up"}).status_code == 302
    assert [s.user for s in ReceptionSlot.objects.filter(site=world.s1)] == [world.s1b, world.s1a]
    r = client.post(url, {"user": world.s1b.pk, "action": "off_duty"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="rotation"' in r.content.decode()
    world.s1b.refresh_from_db()
    assert world.s1b.on_duty is False
    client.post(url, {"user": world.ag1.pk, "action": "add"})
    client.post(url, {"user": world.s1a.pk, "action": "remove"})
    assert [s.user for s in ReceptionSlot.objects.filter(site=world.s1)] == [world.s1b, world.ag1]
    assert client.post(url, {"user": world.s1a.pk, "action": "explode"}).status_code == 404
    client.post(url, {"action": "add_all"})
    assert [s.user for s in ReceptionSlot.objects.filter(site=world.s1)] == [world.s1b, world.ag1, world.s1a]
    assert browser(world.s1a).post(url, {"user": world.s1a.pk, "action": "up"}).status_code == 403
    assert browser(world.s1a).get(f"/visits/rotation/?site={world.s1.pk}").status_code == 403
    assert browser(world.sm2).post(url, {"user": world.s1a.pk, "action": "up"}).status_code == 404


def test_visit_list_is_scoped(world, queue):  # noqa: ANN001
    services.visit_register(actor=world.sm1, site=world.s1, phone="13800008881", name="甲客")
    services.visit_register(actor=world.sm1, site=world.s1, phone="13800008882", name="乙客")
    assert "甲客" in browser(world.s1a).get("/visits/").content.decode()
    assert "乙客" not in browser(world.s1a).get("/visits/").content.decode()
    both = browser(world.sm1).get(f"/visits/?date={timezone.localdate():%Y-%m-%d}").content.decode()
    assert "甲客" in both and "乙客" in both
    assert "甲客" not in browser(world.sm2).get("/visits/").content.decode()


def test_my_work_log_with_notes(world):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    Activity.objects.create(customer=c, user=world.s1a, kind="call", notes="问价格")
    client = browser(world.s1a)
    page = client.get("/worklogs/")
    html = page.content.decode()
    assert page.status_code == 200 and "问价格" in html and 'data-count="calls">1<' in html
    assert 'name="text"' in html  # today's notes are mine to write
    r = client.post("/worklogs/note/", {"text": "明天回访两位"}, follow=True)
    assert "明天回访两位" in r.content.decode()
    assert WorkLogNote.objects.get(user=world.s1a).text == "明天回访两位"
    assert client.get(f"/worklogs/?user={world.s1b.pk}").status_code == 404
    manager_view = browser(world.sm1).get(f"/worklogs/?user={world.s1a.pk}").content.decode()
    assert "明天回访两位" in manager_view and 'name="text"' not in manager_view
    assert browser(world.sm2).get(f"/worklogs/?user={world.s1a.pk}").status_code == 404


def test_team_and_range_pages(world, django_assert_max_num_queries):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    Activity.objects.create(customer=c, user=world.s1a, kind="visit")
    client = browser(world.sm1)
    with django_assert_max_num_queries(20):
        page = client.get("/worklogs/team/")
    html = page.content.decode()
    assert page.status_code == 200 and "张顾问" in html and "李顾问" in html and "王顾问" not in html
    assert client.get(f"/worklogs/team/?site={world.s2.pk}").status_code == 404
    r = client.get(f"/worklogs/range/?user={world.s1a.pk}")
    assert r.status_code == 200 and f"{timezone.localdate():%Y-%m-%d}" in r.content.decode()
    r = client.get(f"/worklogs/range/?user={world.s1a.pk}&date_from=2026-01-01&date_to=2026-12-31")
    assert r.status_code == 200  # too long: a message and this month instead
    assert browser(world.s1a).get(f"/worklogs/range/?user={world.s1b.pk}").status_code == 404


def test_a_phone_an_agency_registered_is_confirmed_there(world, queue, api):  # noqa: ANN001
    from loupan.channels.tests.factories import AgencyContractFactory

    AgencyContractFactory(agency=world.agency, created_by=world.admin, sites=[world.s1])
    registered = api(world.ag1).post(
        "/api/v1/registrations/",
        {"site": world.s1.pk, "customer_name": "代理客", "phone": "13800009999"},
        format="json",
    )
    assert registered.status_code == 201, registered.content
    html = (
        browser(world.s1b)
        .get("/visits/desk/lookup/", {"site": world.s1.pk, "phone": "13800009999"})
        .content.decode()
    )
    assert "138****9999" in html and "/registrations/?search=9999" in html and "代理客" not in html
    r = api(world.s1b).post("/api/v1/visits/", {"site": world.s1.pk, "phone": "13800009999", "name": "代理客"},
                            format="json")  # fmt: skip
    assert r.status_code == 409 and r.json()["code"] == "already_protected"
    assert not Visit.objects.exists()
    assert reception_next(world) == world.s1a  # the turn was not used


def reception_next(world):  # noqa: ANN001, ANN201
    from loupan.sales.visit_selectors import reception_state

    return reception_state(site=world.s1)["next"]
