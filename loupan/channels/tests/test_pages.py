"""The contract, commission and referral pages: who may open them and what they do."""

from __future__ import annotations

import datetime as dt

import pytest

from loupan.channels.models import AgencyContract, Referral
from loupan.core.models import AuditEvent
from loupan.core.testing.clients import client_for as _client
from loupan.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_contract_pages_sign_renew_and_end(ch) -> None:
    w = ch.w
    assert _client(w.sm1).get("/channels/contracts/").status_code == 403
    text = _client(w.cm).get("/channels/contracts/").content.decode()
    assert "好房代理" in text and "安居代理" in text and "/end/" not in text  # company managers read only
    admin = _client(w.admin)
    r = admin.post(f"/channels/contracts/{ch.contract.pk}/end/")
    assert r.status_code == 302
    ch.contract.refresh_from_db()
    w.ag1.refresh_from_db()
    assert ch.contract.status == "ended" and not w.ag1.is_active
    # A new contract for another agency with a period, tiers and sites; then its renewal.
    from loupan.org.tests.factories import AgencyFactory

    agency = AgencyFactory(name="新代理")
    data = {
        "agency": agency.pk, "start": "2026-01-01", "end": "2026-12-31", "rate_percent": "1.20",
        "tiers": "10 1.5\n20 2", "sites": [w.s1.pk, w.s2.pk],
    }  # fmt: skip
    assert admin.post("/channels/contracts/new/", data).status_code == 302
    contract = AgencyContract.objects.get(agency=agency)
    assert contract.tiers == [
        {"min_contracts": 10, "rate_percent": "1.50"},
        {"min_contracts": 20, "rate_percent": "2.00"},
    ]
    r = admin.post(f"/channels/contracts/{contract.pk}/renew/", {"end": "2027-12-31", "rate_percent": "1.30"})
    assert r.status_code == 302
    renewal = AgencyContract.objects.get(agency=agency, status="active")
    assert (renewal.start, renewal.end, str(renewal.rate_percent)) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
        "1.30",
    )
    agency.refresh_from_db()
    assert agency.contract_end == dt.date(2027, 12, 31)
    assert _client(w.cm).post("/channels/contracts/new/", data).status_code == 403


def test_commission_page_for_finance_only(ch) -> None:
    w = ch.w
    for user in (w.sm1, w.s1a, w.ag1):
        assert _client(user).get("/channels/commission/").status_code == 403
    r = _client(w.cm).get(f"/channels/commission/?agency={w.agency.pk}&period=2026-10")
    assert r.status_code == 200 and "好房代理" in r.content.decode()
    r = _client(w.cm).post("/channels/commission/issue/", {"agency": w.agency.pk, "period": "2026-10"})
    assert r.status_code == 302
    statement = w.agency.commission_statements.get()
    r = _client(w.cm).get(f"/channels/commission/statements/{statement.pk}/export/?format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEvent.objects.filter(action="export", object_id=statement.pk).exists()
    assert _client(w.sm1).get(f"/channels/commission/statements/{statement.pk}/export/").status_code == 403


def test_referral_pages(ch) -> None:
    w = ch.w
    CustomerFactory(site=w.s2, owner=w.s2a, status="owner", phone="13900009999", name="老业主")
    buyer = CustomerFactory(site=w.s1, owner=w.s1a, status="visited", name="新买家")
    page = _client(w.s1a).get("/channels/referrals/new/").content.decode()
    assert "新买家" in page
    r = _client(w.s1a).post(
        "/channels/referrals/new/", {"referred": buyer.pk, "referrer_phone": "13900009999"}
    )
    assert r.status_code == 302
    referral = Referral.objects.get()
    text = _client(w.sm1).get("/channels/referrals/").content.decode()
    assert "新买家" in text and "139****9999" in text and "13900009999" not in text
    assert "新买家" not in _client(w.s1b).get("/channels/referrals/").content.decode()
    r = _client(w.sm1).post(f"/channels/referrals/{referral.pk}/grant/", follow=True)
    assert r.status_code == 200
    referral.refresh_from_db()
    assert referral.reward_status == "pending"  # no signed deal yet: refused with a message
    assert _client(w.sm2).post(f"/channels/referrals/{referral.pk}/grant/").status_code == 404
    r = _client(w.sm1).post(f"/channels/referrals/{referral.pk}/cancel/")
    referral.refresh_from_db()
    assert referral.reward_status == "cancelled"
