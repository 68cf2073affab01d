"""The walk from the 销控 grid to a subscription in a real Chromium: a salesperson subscribes
an available unit through the grid's subscribe link and the site manager's screen, already
on the grid, shows the cell in the subscribed colour within the polling interval."""

from __future__ import annotations

import pytest

from loupan.core.testing.browser import login, requires_chromium
from loupan.customers.tests.factories import CustomerFactory
from loupan.inventory.models import Unit
from loupan.inventory.tests.factories import ProjectFactory, link, make_building
from loupan.org.tests.factories import PASSWORD
from loupan.sales.models import Subscription

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

SUBSCRIBED_BG = "rgb(255, 247, 230)"  # .st-subscribed in static/css/inventory.css


def test_salesperson_subscribes_from_the_grid_and_the_manager_sees_it(world, new_page, live_server):  # noqa: ANN001
    project = ProjectFactory(name="西溪云庐")
    link(world.s1, project)
    building = make_building(project, floors=5, stacks=4, name="2号楼")
    unit = Unit.objects.get(building=building, number="403")
    customer = CustomerFactory(site=world.s1, owner=world.s1a, name="周晓明", status="visited")
    grid_url = f"{live_server.url}/inventory/buildings/{building.pk}/"

    manager = new_page()  # the site manager's screen, on the grid before the sale
    login(manager, live_server.url, "sm1", PASSWORD)
    manager.goto(grid_url)
    assert manager.locator(f"#unit-{unit.pk}").get_attribute("data-status") == "available"

    sales = new_page(width=375, height=812)  # on a phone
    login(sales, live_server.url, "s1a", PASSWORD)
    sales.goto(grid_url)
    sales.click(f"#unit-{unit.pk}")
    sales.locator("#unit-panel a.subscribe").click()
    sales.wait_for_url(lambda url: "/deals/subscriptions/new/" in url)
    sales.select_option("select[name=customer]", str(customer.pk))
    sales.fill("input[name=deposit]", "50000")
    sales.click("form.form button[type=submit]")
    sales.wait_for_url(lambda url: f"/customers/{customer.pk}/" in url)
    assert sales.locator("#deals .deal-subscriptions").inner_text().count("403") == 1
    sub = Subscription.objects.get(unit=unit)
    assert sub.customer_id == customer.pk and sub.deposit == 50000

    # Within the 5 s polling interval (plus a margin) the manager's grid shows it subscribed.
    cell = manager.locator(f"#unit-{unit.pk}[data-status=subscribed]")
    cell.wait_for(timeout=8_000)
    assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == SUBSCRIBED_BG
    # The manager opens the cell: no subscribe link any more.
    manager.click(f"#unit-{unit.pk}")
    manager.locator("#unit-panel .unit-detail[data-unit]").wait_for()
    assert manager.locator("#unit-panel a.subscribe").count() == 0
    assert sales.errors == [] and manager.errors == []


def test_choosing_the_customer_offers_their_reservation(world, new_page, live_server) -> None:  # noqa: ANN001
    """htmx swaps the reservation field when the customer is chosen; the only one is preselected
    and the subscription converts it."""
    from loupan.sales import services as ds

    project = ProjectFactory(name="西溪云庐")
    link(world.s1, project)
    building = make_building(project, floors=2, stacks=2, name="1号楼")
    unit = Unit.objects.get(building=building, number="201")
    customer = CustomerFactory(site=world.s1, owner=world.s1a, name="周晓明", status="visited")
    CustomerFactory(site=world.s1, owner=world.s1a, name="陈静", status="visited")
    r = ds.reservation_create(actor=world.s1a, project=project, customer=customer, deposit="20000")

    page = new_page()
    login(page, live_server.url, "s1a", PASSWORD)
    page.goto(f"{live_server.url}/deals/subscriptions/new/?unit={unit.pk}")
    assert page.locator("select[name=reservation] option").count() == 1  # no customer yet
    page.select_option("select[name=customer]", str(customer.pk))
    page.locator(f"select[name=reservation] option[value='{r.pk}']").wait_for(state="attached")
    assert page.locator("select[name=reservation]").input_value() == str(r.pk)
    page.click("form.form button[type=submit]")
    page.wait_for_url(lambda url: f"/customers/{customer.pk}/" in url)
    r.refresh_from_db()
    assert r.status == "converted" and Subscription.objects.get(unit=unit).reservation_id == r.pk
    assert page.errors == []


def test_the_change_of_unit_picker_filters_as_the_manager_types(world, new_page, live_server) -> None:  # noqa: ANN001
    """换房 in a large project: typing a building and unit number narrows the dropdown (htmx)."""
    from loupan.sales import services as ds

    project = ProjectFactory(name="西溪云庐")
    link(world.s1, project)
    make_building(project, floors=10, stacks=4, name="1号楼")
    target_building = make_building(project, floors=10, stacks=4, name="2号楼")
    customer = CustomerFactory(site=world.s1, owner=world.s1a, name="周晓明", status="visited")
    unit = Unit.objects.get(building__name="1号楼", number="301")
    target = Unit.objects.get(building=target_building, number="802")
    sub = ds.subscription_create(actor=world.s1a, unit=unit, customer=customer, deposit="1")

    page = new_page()
    login(page, live_server.url, "sm1", PASSWORD)
    page.goto(f"{live_server.url}/deals/subscriptions/{sub.pk}/change-unit/")
    assert page.locator("select[name=unit] option").count() == 1 + 79  # every other unit
    page.fill("input[name=q]", "2号楼 802")
    page.wait_for_function("document.querySelectorAll('select[name=unit] option').length === 2")
    page.select_option("select[name=unit]", str(target.pk))
    page.click("form.form button[type=submit]")
    page.wait_for_url(lambda url: "/change-unit/" not in url and "/deals/subscriptions/" in url)
    assert Subscription.objects.get(unit=target, status="active").customer_id == customer.pk
    assert page.errors == []
