"""Key pages in a real Chromium: a salesperson registers and follows up a customer,
and a second salesperson cannot find it."""

import re

import pytest

from loupan.core.testing.browser import login, requires_chromium
from loupan.customers.models import Customer
from loupan.org.tests.factories import PASSWORD
from loupan.sales.models import Activity

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]


def test_salesperson_registers_follows_up_and_colleague_cannot_find(world, new_page, live_server):
    page = new_page()
    login(page, live_server.url, "s1a", PASSWORD)

    page.goto(f"{live_server.url}/customers/new/")
    page.fill("input[name=name]", "欧阳娜娜")
    page.fill("input[name=phone]", "138 0013 8000")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/customers/\d+/$"))
    customer = Customer.objects.get(phone="13800138000")
    assert customer.owner == world.s1a and customer.site == world.s1
    assert "138****8000" not in page.content()  # the owner sees the full phone
    assert "13800138000" in page.content()

    page.select_option("#followup select[name=kind]", "visit")
    page.fill("#followup textarea[name=notes]", "带看样板间，关注三房")
    page.click("#followup button[type=submit]")
    page.locator("#followup .timeline").get_by_text("带看样板间，关注三房").wait_for()
    assert Activity.objects.filter(customer=customer, user=world.s1a, kind="visit").count() == 1
    customer.refresh_from_db()
    assert customer.status == "visited"
    assert page.errors == []

    other = new_page()
    login(other, live_server.url, "s1b", PASSWORD)
    other.goto(f"{live_server.url}/customers/?search=欧阳")
    assert "欧阳娜娜" not in other.content()
    other.goto(f"{live_server.url}/customers/?search=8000")
    assert "欧阳娜娜" not in other.content()
    assert other.errors == []
    response = other.goto(f"{live_server.url}/customers/{customer.pk}/")
    assert response.status == 404
    assert "欧阳娜娜" not in other.content()


def test_customer_pages_fit_a_phone_screen(world, new_page, live_server):
    from loupan.customers.tests.factories import CustomerFactory

    for i in range(12):
        CustomerFactory(site=world.s1, owner=world.s1a, name=f"手机{i}号", phone=f"1370000{i:04d}")
    page = new_page(width=375, height=740)
    login(page, live_server.url, "s1a", PASSWORD)
    for path in (
        "/",
        "/customers/",
        f"/customers/{Customer.objects.first().pk}/",
        "/customers/new/",
        "/pool/",
    ):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a 375px screen"
    assert page.errors == []
