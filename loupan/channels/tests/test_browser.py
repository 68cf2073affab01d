"""In a real Chromium: an agent registers a prospect, the site manager confirms the visit,
and the customer is then the agent's."""

import re

import pytest

from loupan.channels.models import Registration
from loupan.channels.tests.factories import AgencyContractFactory
from loupan.core.testing.browser import login, requires_chromium
from loupan.org.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]


def test_agent_registers_and_site_manager_confirms_the_visit(world, new_page, live_server):
    AgencyContractFactory(agency=world.agency, created_by=world.admin, sites=[world.s1])
    agent = new_page()
    login(agent, live_server.url, "ag1", PASSWORD)
    agent.goto(f"{live_server.url}/channels/registrations/")
    agent.click("text=+ 登记报备客户")
    agent.wait_for_url(re.compile(r"/channels/registrations/new/$"))
    agent.fill("input[name=customer_name]", "欧阳先生")
    agent.fill("input[name=phone]", "137 0013 8000")
    agent.click("form.form button[type=submit]")
    agent.wait_for_url(re.compile(r"/channels/registrations/$"))
    assert "13700138000" in agent.content()  # the agent sees their own prospect in full
    registration = Registration.objects.get(phone="13700138000")
    assert (registration.agent, registration.site, registration.status) == (world.ag1, world.s1, "pending")

    manager = new_page()
    login(manager, live_server.url, "sm1", PASSWORD)
    manager.goto(f"{live_server.url}/channels/registrations/?status=pending")
    row = manager.locator(f"tr[data-registration='{registration.pk}']")
    assert "欧阳先生" in row.inner_text()
    manager.on("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="确认到访").click()
    manager.locator(".msg-success").wait_for()
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert registration.customer.owner == world.ag1
    assert manager.errors == [] and agent.errors == []

    agent.goto(f"{live_server.url}/customers/")
    assert "欧阳先生" in agent.content()

    # The visit counts on the one KPI board: the agent's row, and the manager's chart draws.
    agent.goto(f"{live_server.url}/channels/kpis/")
    row = agent.locator(f"tr[data-user='{world.ag1.pk}']")
    assert "赵代理" in row.inner_text() and agent.locator("tr[data-user]").count() == 1
    manager.goto(f"{live_server.url}/channels/kpis/?site={world.s1.pk}")
    manager.locator("[data-chart='kpi-chart'][data-rendered='true']").wait_for()
    assert manager.locator("tr[data-user]").count() == 3  # s1a, s1b and ag1, one board for all
    cells = manager.locator(f"tr[data-user='{world.ag1.pk}'] td").all_inner_texts()
    assert cells[0] == "1" and cells[3:5] == ["1", "1"]  # ranked first: one new customer, one visit
    assert manager.errors == [] and agent.errors == []
