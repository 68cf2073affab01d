"""The sales-control grid in a real Chromium: a manager holds a unit and a second screen
shows the cell in the held colour within the polling interval."""

from __future__ import annotations

import pytest

from loupan.core.testing.browser import login, requires_chromium
from loupan.inventory.models import Unit
from loupan.inventory.tests.factories import ProjectFactory, link, make_building
from loupan.org.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]


def test_manager_holds_a_unit_and_the_big_screen_follows(world, new_page, live_server):  # noqa: ANN001
    project = ProjectFactory(name="西溪云庐")
    link(world.s1, project)
    building = make_building(project, floors=6, stacks=4, name="1号楼")
    unit = Unit.objects.get(building=building, number="302")
    grid_url = f"{live_server.url}/inventory/buildings/{building.pk}/"

    screen = new_page()  # the sales office's big screen, opened first
    login(screen, live_server.url, "s1a", PASSWORD)
    screen.goto(grid_url)
    cell = screen.locator(f"#unit-{unit.pk}")
    assert cell.get_attribute("data-status") == "available"
    assert screen.locator(".cell").count() == 24

    manager = new_page()
    login(manager, live_server.url, "sm1", PASSWORD)
    manager.goto(grid_url)
    manager.click(f"#unit-{unit.pk}")
    manager.locator("#unit-panel button[value=hold]").wait_for()
    manager.fill("#unit-panel input[name=reason]", "领导保留")
    manager.click("#unit-panel button[value=hold]")
    manager.locator(f"#unit-{unit.pk}[data-status=held]").wait_for()
    unit.refresh_from_db()
    assert unit.status == "held" and unit.held_by_id == world.sm1.pk

    # Within the 5 s polling interval (plus a margin) the other screen shows it held.
    screen.locator(f"#unit-{unit.pk}[data-status=held]").wait_for(timeout=8_000)
    colour = screen.locator(f"#unit-{unit.pk}").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(240, 240, 240)"
    assert screen.locator("#unit-panel button[value=hold]").count() == 0
    assert screen.errors == [] and manager.errors == []
