"""Registration pages: the agent's form, the site's list with 带看确认, scope and masking."""

from __future__ import annotations

import pytest

from loupan.channels.models import Registration
from loupan.channels.tests.factories import RegistrationFactory
from loupan.core.testing.clients import client_for as _client

pytestmark = pytest.mark.django_db


def test_agent_registers_from_the_form_and_sees_conflicts_on_the_page(ch) -> None:
    w = ch.w
    page = _client(w.ag1).get("/channels/registrations/new/")
    assert page.status_code == 200 and "一号案场" in page.content.decode()
    data = {"site": w.s1.pk, "customer_name": "孙先生", "phone": "13700001111"}
    r = _client(w.ag1).post("/channels/registrations/new/", data)
    assert r.status_code == 302
    assert Registration.objects.get().agent == w.ag1
    r = _client(ch.ag2).post("/channels/registrations/new/", data)
    assert r.status_code == 200
    text = r.content.decode()
    assert "137****1111" in text and "赵代理" not in text
    assert Registration.objects.count() == 1
    assert _client(w.s1a).get("/channels/registrations/new/").status_code == 403


def test_site_staff_see_masked_phones_and_confirm_the_visit(ch) -> None:
    w = ch.w
    reg = RegistrationFactory(agent=w.ag1, site=w.s1, phone="13700001111", customer_name="孙先生")
    other = RegistrationFactory(agent=ch.ag2, site=w.s2, phone="13700002222", customer_name="周女士")
    text = _client(w.s1a).get("/channels/registrations/").content.decode()
    assert "孙先生" in text and "137****1111" in text and "13700001111" not in text and "周女士" not in text
    assert "Confirm visit" in text or "确认到访" in text
    text = _client(w.sm1).get("/channels/registrations/").content.decode()
    assert "13700001111" in text
    text = _client(w.ag1).get("/channels/registrations/").content.decode()
    assert "孙先生" in text and "周女士" not in text and "registration_confirm" not in text
    assert _client(w.s2a).post(f"/channels/registrations/{reg.pk}/confirm/").status_code == 404
    assert _client(w.ag1).post(f"/channels/registrations/{reg.pk}/confirm/").status_code == 403
    r = _client(w.s1a).post(f"/channels/registrations/{reg.pk}/confirm/")
    assert r.status_code == 302
    reg.refresh_from_db()
    assert reg.status == "confirmed" and reg.customer.owner == w.ag1
    r = _client(w.s1a).post(f"/channels/registrations/{other.pk}/reject/")
    assert r.status_code == 404


def test_the_list_keeps_a_constant_number_of_queries(ch, django_assert_max_num_queries) -> None:  # noqa: ANN001
    w = ch.w
    client = _client(w.sm1)
    for i in range(3):
        RegistrationFactory(agent=w.ag1, site=w.s1, phone=f"1370000{i:04d}")
    client.get("/channels/registrations/")
    with django_assert_max_num_queries(12) as few:
        client.get("/channels/registrations/")
    for i in range(3, 20):
        RegistrationFactory(agent=ch.ag2, site=w.s1, phone=f"1370000{i:04d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/channels/registrations/")
