"""The contract page: facts, schedule (editable while awaiting approval), receivables,
payments (field errors, a double submit records one payment), handover, 退房 and 换房."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from loupan.core.testing.clients import client_for
from loupan.inventory.models import Unit
from loupan.sales import services as ds
from loupan.sales.models import Contract, Payment

pytestmark = pytest.mark.django_db


def sign(world, deals, unit=None, price=None, method="mortgage") -> Contract:  # noqa: ANN001
    sub = ds.subscription_create(actor=world.s1a, unit=unit or deals.units[0], customer=deals.c1, deposit="1")
    return ds.contract_create(actor=world.s1a, subscription=sub, payment_method=method, price=price)


def detail(contract) -> str:  # noqa: ANN001
    return reverse("sales:contract_detail", args=[contract.pk])


def pay_url(contract) -> str:  # noqa: ANN001
    return reverse("sales:payment_create", args=[contract.pk])


def now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def test_contract_page_shows_price_discount_schedule_and_receivables(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals)
    ds.payment_record(actor=world.s1a, contract=contract, amount="100000", method="transfer")
    response = client_for(world.s1a).get(detail(contract))
    assert response.status_code == 200
    receivables = response.context["receivables"]
    assert receivables["paid"] == Decimal("100000") and receivables["outstanding"] == Decimal("900000.00")
    body = response.content.decode()
    assert "1,000,000.00" in body and "按揭" in body and "300,000.00" in body and "700,000.00" in body
    assert "900,000.00" in body  # outstanding
    assert 'name="token"' in body and pay_url(contract) in body
    # Managers' actions are not offered to the salesperson.
    for name in ("contract_handover", "contract_cancel", "contract_change_unit"):
        assert reverse(f"sales:{name}", args=[contract.pk]) not in body
    manager = client_for(world.sm1).get(detail(contract)).content.decode()
    assert reverse("sales:contract_cancel", args=[contract.pk]) in manager
    assert reverse("sales:contract_change_unit", args=[contract.pk]) in manager
    # Not paid: no handover button, the reason instead.
    assert reverse("sales:contract_handover", args=[contract.pk]) not in manager
    assert "handover-blocked" in manager


def test_contract_page_scope(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals)
    for outsider in (world.s1b, world.sm2, world.s2a, world.ag1):
        assert client_for(outsider).get(detail(contract)).status_code == 404
        assert client_for(outsider).post(pay_url(contract), {"amount": "1"}).status_code == 404
    for insider in (world.s1a, world.sm1, world.cm, world.admin):
        assert client_for(insider).get(detail(contract)).status_code == 200


def test_overdue_items_are_marked(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals, method="installment")
    contract.schedule.filter(seq=1).update(due_date=dt.date.today() - dt.timedelta(days=10))
    response = client_for(world.s1a).get(detail(contract))
    items = response.context["receivables"]["items"]
    assert [i["overdue"] for i in items] == [True, False, False]
    assert response.context["receivables"]["overdue"] == items[0]["amount"]
    assert "is-overdue" in response.content.decode()


def test_record_a_payment_and_a_double_submit_records_one(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals)
    client = client_for(world.s1a)
    token = client.get(detail(contract)).context["payment_form"]["token"].value()
    data = {"amount": "300000", "method": "transfer", "received_at": now_local(), "token": token}
    first = client.post(pay_url(contract), data)
    second = client.post(pay_url(contract), data)
    assert first.status_code == 302 and second.status_code == 302
    assert Payment.objects.filter(contract=contract).count() == 1
    page = client.get(detail(contract))
    assert page.context["receivables"]["paid"] == Decimal("300000")
    texts = [str(m) for m in page.context["messages"]]
    assert len(texts) == 2 and texts[0] != texts[1]  # recorded, then "already recorded"
    # A fresh form draws a fresh token.
    assert page.context["payment_form"]["token"].value() != token


@pytest.mark.parametrize(
    ("amount", "field"),
    [("-100", "amount"), ("0", "amount"), ("1000000.01", "amount"), ("12.345", "amount"), ("abc", "amount")],
)
def test_refused_amounts_are_field_errors(world, deals, amount, field) -> None:  # noqa: ANN001
    contract = sign(world, deals)
    response = client_for(world.s1a).post(
        pay_url(contract), {"amount": amount, "method": "cash", "received_at": now_local(), "token": "t1"}
    )
    assert response.status_code == 200 and field in response.context["payment_form"].errors
    assert 'class="field has-error' in response.content.decode()
    assert not Payment.objects.exists()


def test_overpayment_message_names_what_is_owed(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals)
    ds.payment_record(actor=world.s1a, contract=contract, amount="999000", method="transfer")
    response = client_for(world.s1a).post(
        pay_url(contract), {"amount": "2000", "method": "cash", "received_at": now_local(), "token": "t2"}
    )
    assert "1000.00" in " ".join(response.context["payment_form"].errors["amount"])


def test_a_payment_in_the_future_is_refused(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals)
    later = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.s1a).post(
        pay_url(contract), {"amount": "10", "method": "cash", "received_at": later, "token": "t3"}
    )
    assert "received_at" in response.context["payment_form"].errors


def test_payments_on_a_contract_awaiting_approval_are_not_offered(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals, price="800000")
    assert contract.status == "pending_approval"
    response = client_for(world.s1a).get(detail(contract))
    assert response.context["payment_form"] is None
    forced = client_for(world.s1a).post(
        pay_url(contract), {"amount": "10", "method": "cash", "received_at": now_local(), "token": "t4"}
    )
    assert forced.status_code == 200 and forced.context["payment_form"].non_field_errors()
    assert not Payment.objects.exists()


def test_edit_the_schedule_while_awaiting_approval(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals, price="800000")
    url = reverse("sales:schedule_edit", args=[contract.pk])
    assert url in client_for(world.s1a).get(detail(contract)).content.decode()
    assert client_for(world.s1b).get(url).status_code == 404
    page = client_for(world.s1a).get(url)
    assert page.status_code == 200 and page.context["formset"].initial[0]["amount"] == Decimal("240000.00")
    today = dt.date.today()

    def post(rows: list[tuple[str, str]]):  # noqa: ANN202
        data = {"schedule-TOTAL_FORMS": str(len(rows)), "schedule-INITIAL_FORMS": "0"}
        for i, (amount, due) in enumerate(rows):
            data.update({f"schedule-{i}-amount": amount, f"schedule-{i}-due_date": due,
                         f"schedule-{i}-kind": "installment"})  # fmt: skip
        return client_for(world.s1a).post(url, data)

    wrong = post([("500000", today.isoformat()), ("200000", (today + dt.timedelta(days=30)).isoformat())])
    assert wrong.status_code == 200 and wrong.context["errors"] and "800000" in wrong.content.decode()
    assert contract.schedule.count() == 2
    rows = [("400000", today.isoformat()), ("200000", "2030-01-01"), ("200000", "2030-06-01")]
    assert post(rows).status_code == 302
    assert list(contract.schedule.values_list("amount", flat=True)) == [Decimal(a) for a, _ in rows]
    ds.contract_approve(actor=world.sm1, contract=contract)
    assert url not in client_for(world.s1a).get(detail(contract)).content.decode()
    signed = post(rows)
    assert signed.status_code == 200 and signed.context["errors"]


def test_approve_from_the_contract_page(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals, price="800000")
    approve = reverse("sales:contract_approve", args=[contract.pk])
    assert approve not in client_for(world.s1a).get(detail(contract)).content.decode()
    assert approve in client_for(world.sm1).get(detail(contract)).content.decode()
    assert client_for(world.s1a).post(approve).status_code == 403
    done = client_for(world.sm1).post(approve)
    assert done["Location"] == detail(contract)
    contract.refresh_from_db()
    assert contract.status == "active" and contract.approved_by == world.sm1


def test_handover_only_when_paid(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals, method="full")
    url = reverse("sales:contract_handover", args=[contract.pk])
    assert client_for(world.s1a).post(url).status_code == 403
    assert client_for(world.sm2).post(url).status_code == 404
    refused = client_for(world.sm1).post(url, follow=True)
    body = refused.content.decode()
    assert "1000000.00" in body and "msg-error" in body
    assert Unit.objects.get(pk=deals.units[0].pk).status == "contracted"
    ds.payment_record(actor=world.s1a, contract=contract, amount="1000000", method="transfer")
    assert url in client_for(world.sm1).get(detail(contract)).content.decode()
    done = client_for(world.sm1).post(url, {"notes": "钥匙两把"}, follow=True)
    assert done.status_code == 200 and done.context["handover"] is not None
    assert Unit.objects.get(pk=deals.units[0].pk).status == "handed_over"
    deals.c1.refresh_from_db()
    assert deals.c1.status == "owner"
    assert done.context["can_cancel"] is False and done.context["payment_form"] is None


def test_cancel_a_contract_keeps_the_money_trail(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals)
    ds.payment_record(actor=world.s1a, contract=contract, amount="300000", method="transfer")
    url = reverse("sales:contract_cancel", args=[contract.pk])
    assert client_for(world.s1a).post(url).status_code == 403
    done = client_for(world.sm1).post(url, {"reason": "贷款未批"}, follow=True)
    contract.refresh_from_db()
    assert contract.status == "cancelled" and contract.cancel_reason == "贷款未批"
    assert Unit.objects.get(pk=deals.units[0].pk).status == "available"
    body = done.content.decode()
    assert "贷款未批" in body and "300,000.00" in body and "cancellation" in body
    assert len(done.context["trail"]["payments"]) == 1
    assert done.context["can_cancel"] is False and done.context["payment_form"] is None


def test_change_of_unit_of_a_contract_carries_the_money(world, deals) -> None:  # noqa: ANN001
    contract = sign(world, deals)
    ds.payment_record(actor=world.s1a, contract=contract, amount="300000", method="transfer")
    url = reverse("sales:contract_change_unit", args=[contract.pk])
    assert client_for(world.s1a).get(url).status_code == 403
    target = deals.units[4]
    low = client_for(world.sm1).post(url, {"unit": target.pk, "price": "200000"})
    assert low.status_code == 200 and "price" in low.context["form"].errors
    done = client_for(world.sm1).post(url, {"unit": target.pk, "reason": "换楼层"})
    new = Contract.objects.get(unit=target)
    assert done.status_code == 302 and done["Location"] == detail(new)
    page = client_for(world.sm1).get(detail(new))
    assert page.context["receivables"]["paid"] == Decimal("300000")
    assert detail(contract) in page.content.decode()  # the carried payment names its origin
    old_page = client_for(world.sm1).get(detail(contract)).content.decode()
    assert detail(new) in old_page and "unit-change" in old_page


def test_contract_page_query_count_is_constant(world, deals, django_assert_max_num_queries) -> None:  # noqa: ANN001
    contract = sign(world, deals, method="installment")
    ds.payment_record(actor=world.s1a, contract=contract, amount="1000", method="cash")
    client = client_for(world.sm1)
    client.get(detail(contract))
    with django_assert_max_num_queries(40) as few:
        client.get(detail(contract))
    for _ in range(10):
        ds.payment_record(actor=world.s1a, contract=contract, amount="1000", method="cash")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(detail(contract))
    assert len(response.context["trail"]["payments"]) == 11


def test_money_reads_with_thousands_separators() -> None:
    from loupan.sales.templatetags.deal_tags import yuan

    assert yuan(Decimal("1234567.5")) == "1,234,567.50"
    assert yuan(0) == "0.00" and yuan(None) == "—"
