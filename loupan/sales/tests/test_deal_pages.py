"""Deal pages: the deal list and its filters, 认筹 reservations, one subscription with
cancel and 换房; rights (sales vs manager vs out of scope) and errors on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from loupan.core.testing.clients import client_for
from loupan.inventory.models import Unit
from loupan.sales import services as ds
from loupan.sales.models import Reservation, Subscription

pytestmark = pytest.mark.django_db


def subscribe(world, deals, unit=None, customer=None, **kw) -> Subscription:  # noqa: ANN001
    return ds.subscription_create(
        actor=world.s1a, unit=unit or deals.units[0], customer=customer or deals.c1, deposit="50000", **kw
    )


def make_overdue(sub: Subscription, days: int = 3) -> None:
    Subscription.objects.filter(pk=sub.pk).update(sign_deadline=dt.date.today() - dt.timedelta(days=days))


# --- the deal list -------------------------------------------------------------------------------


def test_deal_list_links_to_the_detail_pages_in_chinese(world, deals) -> None:  # noqa: ANN001
    sub = subscribe(world, deals)
    body = client_for(world.s1a).get(reverse("sales:deal_list")).content.decode()
    assert reverse("sales:subscription_detail", args=[sub.pk]) in body
    assert "认购" in body and deals.c1.name in body


def test_deal_list_filters_by_status_project_and_overdue(world, deals) -> None:  # noqa: ANN001
    late = subscribe(world, deals, unit=deals.units[0])
    fresh = subscribe(world, deals, unit=deals.units[1])
    cancelled = subscribe(world, deals, unit=deals.units[2])
    ds.subscription_cancel(actor=world.sm1, subscription=cancelled)
    make_overdue(late)
    client = client_for(world.sm1)

    def shown(**params) -> set[int]:  # noqa: ANN003
        response = client.get(reverse("sales:deal_list"), params)
        assert response.status_code == 200
        return {row["s"].pk for row in response.context["rows"]}

    assert shown() == {late.pk, fresh.pk, cancelled.pk}
    assert shown(status="cancelled") == {cancelled.pk}
    assert shown(status="active") == {late.pk, fresh.pk}
    assert shown(overdue="on") == {late.pk}
    assert shown(project=deals.p1.pk) == {late.pk, fresh.pk, cancelled.pk}
    # Another site's project is no choice for sm1, nor an unknown status: nothing is listed.
    assert shown(project=deals.p2.pk) == set()
    assert shown(status="nonsense") == set()
    assert (
        client_for(world.cm).get(reverse("sales:deal_list"), {"project": deals.p2.pk}).context["rows"] == []
    )


def test_managers_see_the_overdue_subscriptions_on_top(world, deals) -> None:  # noqa: ANN001
    late = subscribe(world, deals)
    make_overdue(late)
    manager = client_for(world.sm1).get(reverse("sales:deal_list"))
    assert [s.pk for s in manager.context["overdue_panel"]] == [late.pk]
    assert manager.context["overdue_count"] == 1
    assert "overdue-panel" in manager.content.decode()
    # The salesperson does not get the managers' panel; the other site's manager sees nothing.
    assert client_for(world.s1a).get(reverse("sales:deal_list")).context["overdue_panel"] is None
    assert client_for(world.sm2).get(reverse("sales:deal_list")).context["overdue_panel"] == []


def test_deal_list_query_count_is_constant(world, deals, django_assert_max_num_queries) -> None:  # noqa: ANN001
    subscribe(world, deals, unit=deals.units[0])
    client = client_for(world.sm1)
    client.get(reverse("sales:deal_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("sales:deal_list"))
    for unit in deals.units[1:]:
        sub = subscribe(world, deals, unit=unit)
        make_overdue(sub)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:deal_list"))
    assert len(response.context["rows"]) == 6 and response.context["overdue_count"] == 5


# --- 认筹 reservations ---------------------------------------------------------------------------


def reservation_url(customer) -> str:  # noqa: ANN001
    return f"{reverse('sales:reservation_create')}?customer={customer.pk}"


def test_reservation_through_the_page_shows_the_queue_number(world, deals) -> None:  # noqa: ANN001
    ds.reservation_create(actor=world.s1b, project=deals.p1, customer=deals.c2, deposit="10000")
    client = client_for(world.s1a)
    page = client.get(reverse("sales:reservation_create"), {"customer": deals.c1.pk})
    assert page.status_code == 200 and page.context["form"]["project"].value() == deals.p1.pk
    done = client.post(reservation_url(deals.c1), {"project": deals.p1.pk, "deposit": "20000"}, follow=True)
    reservation = Reservation.objects.get(customer=deals.c1)
    assert reservation.queue_number == 2
    body = done.content.decode()
    assert "认筹成功，排号 2。" in body and "<strong>排号 2</strong>" in body
    assert done.redirect_chain[-1][0] == reverse("customers:detail", args=[deals.c1.pk])


def test_reservation_errors_are_shown_on_the_form(world, deals) -> None:  # noqa: ANN001
    client = client_for(world.s1a)
    negative = client.post(reservation_url(deals.c1), {"project": deals.p1.pk, "deposit": "-5"})
    assert negative.status_code == 200 and "deposit" in negative.context["form"].errors
    outside = client.post(reservation_url(deals.c1), {"project": deals.p2.pk, "deposit": "5"})
    assert "project" in outside.context["form"].errors
    assert not Reservation.objects.exists()


def test_reservation_rights(world, deals) -> None:  # noqa: ANN001
    assert client_for(world.s1b).get(reservation_url(deals.c1)).status_code == 404  # not their customer
    assert client_for(world.sm2).get(reservation_url(deals.c1)).status_code == 404
    assert client_for(world.s1a).get(reverse("sales:reservation_create")).status_code == 404
    assert client_for(world.sm1).get(reservation_url(deals.c1)).status_code == 200


def test_reservation_list_and_refund_by_managers(world, deals) -> None:  # noqa: ANN001
    r = ds.reservation_create(actor=world.s1a, project=deals.p1, customer=deals.c1, deposit="10000")
    refund = reverse("sales:reservation_refund", args=[r.pk])
    sales_page = client_for(world.s1a).get(reverse("sales:reservation_list")).content.decode()
    assert deals.c1.name in sales_page and refund not in sales_page
    assert deals.c1.name not in client_for(world.s1b).get(reverse("sales:reservation_list")).content.decode()
    manager_page = client_for(world.sm1).get(reverse("sales:reservation_list")).content.decode()
    assert refund in manager_page
    assert client_for(world.s1a).post(refund).status_code == 403
    assert client_for(world.sm2).post(refund).status_code == 404
    back = reverse("sales:reservation_list")
    done = client_for(world.sm1).post(refund, {"reason": "客户放弃", "next": back})
    assert done.status_code == 302 and done["Location"] == back
    r.refresh_from_db()
    assert r.status == "refunded" and r.refund_reason == "客户放弃"
    # Refunding twice: the conflict is a message, nothing changes.
    again = client_for(world.sm1).post(refund, follow=True)
    assert "只有" in again.content.decode() or "Only an active" in again.content.decode()
    listed = client_for(world.sm1).get(reverse("sales:reservation_list"), {"status": "active"})
    assert list(listed.context["rows"]) == []


def test_refund_does_not_redirect_off_site(world, deals) -> None:  # noqa: ANN001
    r = ds.reservation_create(actor=world.s1a, project=deals.p1, customer=deals.c1, deposit="10000")
    done = client_for(world.sm1).post(
        reverse("sales:reservation_refund", args=[r.pk]), {"next": "https://evil.example/"}
    )
    assert done["Location"] == reverse("sales:reservation_list")


# --- one subscription ----------------------------------------------------------------------------


def test_subscription_detail_shows_the_facts_and_buttons_per_rights(world, deals) -> None:  # noqa: ANN001
    sub = subscribe(world, deals)
    url = reverse("sales:subscription_detail", args=[sub.pk])
    sales = client_for(world.s1a).get(url)
    assert sales.status_code == 200
    body = sales.content.decode()
    assert "1,000,000.00" in body and "50,000.00" in body and sub.sign_deadline.isoformat() in body
    assert reverse("sales:contract_create", args=[sub.pk]) in body
    assert reverse("sales:subscription_cancel", args=[sub.pk]) not in body
    assert reverse("sales:subscription_change_unit", args=[sub.pk]) not in body
    manager = client_for(world.sm1).get(url).content.decode()
    assert reverse("sales:subscription_cancel", args=[sub.pk]) in manager
    assert reverse("sales:subscription_change_unit", args=[sub.pk]) in manager
    for outsider in (world.s1b, world.sm2, world.s2a, world.ag1):
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(world.cm).get(url).status_code == 200


def test_cancel_from_the_detail_page(world, deals) -> None:  # noqa: ANN001
    sub = subscribe(world, deals)
    cancel = reverse("sales:subscription_cancel", args=[sub.pk])
    assert client_for(world.s1a).post(cancel).status_code == 403
    done = client_for(world.sm1).post(cancel, {"reason": "超期未签"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("sales:subscription_detail", args=[sub.pk])
    body = done.content.decode()
    assert "超期未签" in body and "已取消" in body
    assert Unit.objects.get(pk=deals.units[0].pk).status == "available"


def test_change_of_unit_of_a_subscription(world, deals) -> None:  # noqa: ANN001
    sub = subscribe(world, deals)
    url = reverse("sales:subscription_change_unit", args=[sub.pk])
    assert client_for(world.s1a).get(url).status_code == 403
    assert client_for(world.sm2).get(url).status_code == 404
    page = client_for(world.sm1).get(url)
    choices = set(page.context["form"].fields["unit"].queryset.values_list("pk", flat=True))
    assert choices == {u.pk for u in deals.units[1:]}  # available units of the project only
    taken = deals.units[0]
    same = client_for(world.sm1).post(url, {"unit": taken.pk})
    assert same.status_code == 200 and "unit" in same.context["form"].errors
    target = deals.units[3]
    done = client_for(world.sm1).post(url, {"unit": target.pk, "reason": "换高层"})
    new = Subscription.objects.get(unit=target, status="active")
    assert done.status_code == 302 and done["Location"] == reverse("sales:subscription_detail", args=[new.pk])
    assert Unit.objects.get(pk=taken.pk).status == "available"
    trail = client_for(world.sm1).get(reverse("sales:subscription_detail", args=[sub.pk])).content.decode()
    assert target.number in trail and reverse("sales:subscription_detail", args=[new.pk]) in trail


def test_change_of_unit_to_a_unit_taken_meanwhile_shows_the_conflict(world, deals) -> None:  # noqa: ANN001
    sub = subscribe(world, deals)
    target = deals.units[3]
    client = client_for(world.sm1)
    url = reverse("sales:subscription_change_unit", args=[sub.pk])
    client.get(url)
    Unit.objects.filter(pk=target.pk).update(status="held")  # taken after the form was shown
    response = client.post(url, {"unit": target.pk})
    assert response.status_code == 200 and response.context["form"].errors
    assert Subscription.objects.get(pk=sub.pk).status == "active"


def test_the_managers_home_page_counts_overdue_subscriptions(world, deals) -> None:  # noqa: ANN001
    make_overdue(subscribe(world, deals))
    home = client_for(world.sm1).get(reverse("home")).content.decode()
    assert "overdue-subscriptions stat-danger" in home and f"{reverse('sales:deal_list')}?overdue=on" in home
    assert "overdue-subscriptions" not in client_for(world.s1a).get(reverse("home")).content.decode()
    other = client_for(world.sm2).get(reverse("home")).content.decode()
    assert 'overdue-subscriptions"' in other  # no danger colour: none in sm2's scope


def test_reservations_have_a_navigation_entry(world, deals) -> None:  # noqa: ANN001
    body = client_for(world.s1a).get(reverse("sales:reservation_list")).content.decode()
    assert (
        f'<a href="{reverse("sales:reservation_list")}" class="active" aria-current="page">认筹</a>' in body
    )
