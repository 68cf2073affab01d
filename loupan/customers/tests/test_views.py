"""Customer pages: scope (404), buttons per policy, masking, forms, htmx follow-ups, export, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loupan.core.models import AuditEvent
from loupan.core.testing.clients import client_for
from loupan.customers.models import Customer, PoolClaim
from loupan.customers.tests.factories import CustomerFactory
from loupan.sales.models import Activity

pytestmark = pytest.mark.django_db

ROLES = ["admin", "cm", "sm1", "sm2", "s1a", "s1b", "s2a", "ag1"]


@pytest.fixture
def own(world) -> Customer:  # noqa: ANN001
    """A customer of s1a at site s1."""
    return CustomerFactory(
        owner=world.s1a, site=world.s1, name="张伟", phone="13812341234", phone_last4="1234"
    )


@pytest.fixture
def pooled(world) -> Customer:  # noqa: ANN001
    """A customer in the pool of site s1."""
    return CustomerFactory(
        owner=None, site=world.s1, in_pool=True, pooled_at=timezone.now(), name="王芳",
        phone="13955556666", phone_last4="6666",
    )  # fmt: skip


def detail_url(c: Customer) -> str:
    return reverse("customers:detail", args=[c.pk])


# --- pages render, scope ----------------------------------------------------------------------


@pytest.mark.parametrize("username", ROLES)
def test_customer_pages_render_for_every_role(world, own, pooled, username) -> None:  # noqa: ANN001
    client = client_for(getattr(world, username))
    for name in ("customers:list", "customers:pool", "customers:create"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert b"<nav" in response.content


def test_anonymous_is_sent_to_login(world, own) -> None:  # noqa: ANN001
    response = Client().get(detail_url(own))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username", ["s1b", "s2a", "sm2", "ag1"])
def test_out_of_scope_customer_is_404_on_every_page(world, own, username) -> None:  # noqa: ANN001
    client = client_for(getattr(world, username))
    assert client.get(detail_url(own)).status_code == 404
    assert client.get(reverse("customers:edit", args=[own.pk])).status_code == 404
    for action in ("follow_up", "release", "transfer", "claim"):
        response = client.post(reverse(f"customers:{action}", args=[own.pk]), {"kind": "call"})
        assert response.status_code == 404, action
    own.refresh_from_db()
    assert own.owner == world.s1a and not own.in_pool
    assert not Activity.objects.filter(customer=own).exists()


def test_list_shows_only_the_users_customers(world, own) -> None:  # noqa: ANN001
    CustomerFactory(owner=world.s1b, site=world.s1, name="李娜")
    CustomerFactory(owner=world.s2a, site=world.s2, name="刘洋")
    body = client_for(world.s1a).get(reverse("customers:list")).content.decode()
    assert "张伟" in body and "李娜" not in body and "刘洋" not in body
    body = client_for(world.sm1).get(reverse("customers:list")).content.decode()
    assert "张伟" in body and "李娜" in body and "刘洋" not in body


@pytest.mark.parametrize("username", ["sm1", "cm", "admin"])
def test_phone_shown_in_full_to_owner_and_managers(world, own, username) -> None:  # noqa: ANN001
    for client in (client_for(world.s1a), client_for(getattr(world, username))):
        assert "13812341234" in client.get(reverse("customers:list")).content.decode()
        assert "13812341234" in client.get(detail_url(own)).content.decode()


def test_pool_phones_are_masked_for_salespeople(world, pooled) -> None:  # noqa: ANN001
    client = client_for(world.s1b)
    for url in (reverse("customers:pool"), detail_url(pooled), reverse("customers:list") + "?in_pool=true"):
        body = client.get(url).content.decode()
        assert "139****6666" in body, url
        assert "13955556666" not in body, url


def test_search_and_filters(world, own) -> None:  # noqa: ANN001
    CustomerFactory(owner=world.s1a, site=world.s1, name="李娜", phone="13700000001", phone_last4="0001")
    client = client_for(world.s1a)
    for term in ("1234", "13812341234", "张", "zw"):
        body = client.get(reverse("customers:list"), {"search": term}).content.decode()
        assert "张伟" in body and "李娜" not in body, term
    body = client.get(reverse("customers:list"), {"status": "visited"}).content.decode()
    assert "张伟" not in body


def test_owner_and_site_filters_only_offer_rows_in_scope(world, own) -> None:  # noqa: ANN001
    client = client_for(world.sm1)
    form = client.get(reverse("customers:list")).context["form"]
    owners = set(form.fields["owner"].queryset)
    assert world.s1a in owners and world.s2a not in owners
    assert set(form.fields["site"].queryset) == {world.s1}
    # Asking for an out-of-scope owner or site is an invalid choice: nothing is listed.
    CustomerFactory(owner=world.s2a, site=world.s2, name="刘洋")
    for params in ({"owner": world.s2a.pk}, {"site": world.s2.pk}):
        response = client.get(reverse("customers:list"), params)
        assert response.context["page"].paginator.count == 0
        assert "刘洋" not in response.content.decode()


def test_pagination_keeps_the_query_string(world) -> None:  # noqa: ANN001
    for i in range(55):
        CustomerFactory(owner=world.s1a, site=world.s1, status="visited", phone=f"1360000{i:04d}")
    response = client_for(world.s1a).get(reverse("customers:list"), {"status": "visited"})
    assert len(response.context["page"].object_list) == 50
    body = response.content.decode()
    assert "status=visited&amp;page=2" in body
    page2 = client_for(world.s1a).get(reverse("customers:list"), {"status": "visited", "page": 2})
    assert len(page2.context["page"].object_list) == 5


def test_ordering_by_name(world) -> None:  # noqa: ANN001
    for name in ("王芳", "陈静", "李娜"):
        CustomerFactory(owner=world.s1a, site=world.s1, name=name)
    response = client_for(world.s1a).get(reverse("customers:list"), {"ordering": "name"})
    names = [c.name for c in response.context["page"].object_list]
    assert names == sorted(names)


@pytest.mark.parametrize("count", [5, 50])
def test_list_query_count_is_bounded(world, count, django_assert_max_num_queries) -> None:  # noqa: ANN001
    for i in range(count):
        c = CustomerFactory(owner=world.s1a, site=world.s1, phone=f"1350000{i:04d}")
        c.interests.create(name=f"兴趣{i}")
    client = client_for(world.sm1)
    client.get(reverse("customers:list"))  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(reverse("customers:list"))
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [5, 50])
def test_pool_and_detail_query_counts_are_bounded(world, count, django_assert_max_num_queries) -> None:  # noqa: ANN001
    for i in range(count):
        CustomerFactory(owner=None, site=world.s1, in_pool=True, phone=f"1350000{i:04d}")
    own = CustomerFactory(owner=world.s1a, site=world.s1)
    for i in range(count):
        Activity.objects.create(customer=own, user=world.s1a, kind="call", notes=f"n{i}")
    client = client_for(world.s1a)
    client.get(reverse("customers:pool"))
    with django_assert_max_num_queries(10):
        client.get(reverse("customers:pool"))
    with django_assert_max_num_queries(10):
        client.get(detail_url(own))


# --- buttons per policy -----------------------------------------------------------------------


def _buttons(client: Client, customer: Customer) -> dict[str, bool]:
    body = client.get(detail_url(customer)).content.decode()
    return {
        action: reverse(f"customers:{action}", args=[customer.pk]) in body
        for action in ("edit", "release", "transfer", "claim", "follow_up")
    }


def test_buttons_follow_the_policy(world, own, pooled) -> None:  # noqa: ANN001
    assert _buttons(client_for(world.s1a), own) == {
        "edit": True, "release": True, "transfer": False, "claim": False, "follow_up": True,
    }  # fmt: skip
    assert _buttons(client_for(world.sm1), own) == {
        "edit": True, "release": True, "transfer": True, "claim": False, "follow_up": True,
    }  # fmt: skip
    assert _buttons(client_for(world.s1b), pooled) == {
        "edit": False, "release": False, "transfer": False, "claim": True, "follow_up": False,
    }  # fmt: skip
    assert _buttons(client_for(world.cm), pooled)["claim"] is False


def test_transfer_offers_only_colleagues_at_the_customers_site(world, own) -> None:  # noqa: ANN001
    form = client_for(world.sm1).get(detail_url(own)).context["transfer_form"]
    choices = set(form.fields["owner"].queryset)
    assert world.s1b in choices and world.ag1 in choices
    assert world.s2a not in choices and world.s1a not in choices


def test_policy_refusals_are_403(world, own, pooled) -> None:  # noqa: ANN001
    s1a = client_for(world.s1a)
    assert s1a.post(reverse("customers:transfer", args=[own.pk]), {"owner": world.s1b.pk}).status_code == 403
    assert client_for(world.sm1).post(reverse("customers:claim", args=[pooled.pk])).status_code == 403
    assert client_for(world.s1b).get(reverse("customers:edit", args=[pooled.pk])).status_code == 403
    own.refresh_from_db()
    assert own.owner == world.s1a
    assert AuditEvent.objects.filter(action="denied").exists()


# --- follow-ups (htmx) ------------------------------------------------------------------------


def test_htmx_follow_up_creates_activity_and_swaps_timeline(world, own) -> None:  # noqa: ANN001
    next_action = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.s1a).post(
        reverse("customers:follow_up", args=[own.pk]),
        {"kind": "visit", "notes": "看了样板间", "next_action_at": next_action},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="followup">')
    assert "<html" not in body
    assert "看了样板间" in body
    activity = Activity.objects.get(customer=own)
    assert activity.user == world.s1a and activity.kind == "visit"
    own.refresh_from_db()
    assert own.status == "visited"
    assert own.next_action_at is not None


def test_follow_up_errors_show_inline(world, own) -> None:  # noqa: ANN001
    now = timezone.localtime()
    response = client_for(world.s1a).post(
        reverse("customers:follow_up", args=[own.pk]),
        {
            "kind": "call",
            "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
            "next_action_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    form = response.context["followup_form"]
    assert "next_action_at" in form.errors
    assert 'class="error"' in response.content.decode()
    assert not Activity.objects.filter(customer=own).exists()


def test_follow_up_without_htmx_redirects(world, own) -> None:  # noqa: ANN001
    response = client_for(world.sm1).post(reverse("customers:follow_up", args=[own.pk]), {"kind": "call"})
    assert response.status_code == 302 and response["Location"] == detail_url(own)
    assert Activity.objects.filter(customer=own, user=world.sm1).count() == 1


def test_follow_up_on_pool_customer_is_403(world, pooled) -> None:  # noqa: ANN001
    response = client_for(world.s1a).post(reverse("customers:follow_up", args=[pooled.pk]), {"kind": "call"})
    assert response.status_code == 403


# --- create and edit --------------------------------------------------------------------------


def _form_data(**extra) -> dict:  # noqa: ANN003
    data = {
        "name": "赵敏", "phone": "139 0000 1111", "gender": "F", "source": "walk_in",
        "interests": "高尔夫, 教育、旅游", "intent_level": "A", "intent_budget_min": "2000000",
        "intent_budget_max": "3000000", "intent_bedrooms": "3",
    }  # fmt: skip
    data.update(extra)
    return data


def test_create_customer(world) -> None:  # noqa: ANN001
    response = client_for(world.s1a).post(reverse("customers:create"), _form_data(site=world.s1.pk))
    customer = Customer.objects.get(phone="13900001111")
    assert response.status_code == 302 and response["Location"] == detail_url(customer)
    assert customer.owner == world.s1a and customer.site == world.s1
    assert customer.intent_level == "A" and customer.intent_bedrooms == 3
    assert sorted(i.name for i in customer.interests.all()) == sorted(["高尔夫", "教育", "旅游"])


def test_create_form_site_and_owner_choices(world) -> None:  # noqa: ANN001
    form = client_for(world.s1a).get(reverse("customers:create")).context["form"]
    assert set(form.fields["site"].queryset) == {world.s1}
    assert "owner" not in form.fields
    form = client_for(world.sm1).get(reverse("customers:create")).context["form"]
    assert "owner" in form.fields
    assert world.s2a not in set(form.fields["owner"].queryset)


def test_create_with_site_out_of_scope_is_a_form_error(world) -> None:  # noqa: ANN001
    response = client_for(world.s1a).post(reverse("customers:create"), _form_data(site=world.s2.pk))
    assert response.status_code == 200
    assert "site" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_manager_names_another_owner(world) -> None:  # noqa: ANN001
    client_for(world.sm1).post(reverse("customers:create"), _form_data(site=world.s1.pk, owner=world.s1b.pk))
    assert Customer.objects.get(phone="13900001111").owner == world.s1b


def test_service_validation_errors_land_on_fields(world) -> None:  # noqa: ANN001
    response = client_for(world.s1a).post(
        reverse("customers:create"),
        _form_data(site=world.s1.pk, phone="12345", intent_budget_min="5000000", intent_budget_max="100"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "phone" in errors and "intent_budget_max" in errors
    assert 'class="error"' in response.content.decode()
    assert not Customer.objects.exists()


def test_duplicate_phone_names_owner_and_masked_phone_only(world, own) -> None:  # noqa: ANN001
    response = client_for(world.s1b).post(
        reverse("customers:create"), _form_data(site=world.s1.pk, phone="13812341234", name="别人")
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["phone"]
    assert "张顾问" in message and "138****1234" in message
    body = response.content.decode()
    assert "张伟" not in body
    assert Customer.objects.filter(phone="13812341234").count() == 1


def test_edit_customer(world, own) -> None:  # noqa: ANN001
    client = client_for(world.s1a)
    form = client.get(reverse("customers:edit", args=[own.pk])).context["form"]
    assert form.initial["name"] == "张伟"
    data = _form_data(name="张伟明", phone="13812341234", interests="钓鱼")
    response = client.post(reverse("customers:edit", args=[own.pk]), data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "张伟明" and [i.name for i in own.interests.all()] == ["钓鱼"]
    assert AuditEvent.objects.filter(object_type="customer", object_id=own.pk, action="update").exists()


def test_manager_can_edit_customer_whose_owner_left_the_site(world, own) -> None:  # noqa: ANN001
    world.s1a.sites.clear()
    client = client_for(world.sm1)
    form = client.get(reverse("customers:edit", args=[own.pk])).context["form"]
    assert world.s1a in set(form.fields["owner"].queryset) and world.s2a not in set(
        form.fields["owner"].queryset
    )
    data = _form_data(phone="13812341234", owner=world.s1a.pk, occupation="医生")
    assert client.post(reverse("customers:edit", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert own.owner == world.s1a and own.occupation == "医生"


def test_manager_edit_can_transfer(world, own) -> None:  # noqa: ANN001
    data = _form_data(phone="13812341234", owner=world.s1b.pk)
    assert client_for(world.sm1).post(reverse("customers:edit", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert own.owner == world.s1b


# --- ownership actions ------------------------------------------------------------------------


def test_release_transfer_claim(world, own) -> None:  # noqa: ANN001
    response = client_for(world.s1a).post(reverse("customers:release", args=[own.pk]), {"reason": "不买了"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.in_pool and own.owner is None

    response = client_for(world.s1b).post(reverse("customers:claim", args=[own.pk]))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.owner == world.s1b and not own.in_pool

    response = client_for(world.sm1).post(
        reverse("customers:transfer", args=[own.pk]), {"owner": world.s1a.pk}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.owner == world.s1a


def test_transfer_to_someone_outside_the_site_is_refused(world, own) -> None:  # noqa: ANN001
    client = client_for(world.cm)
    response = client.post(reverse("customers:transfer", args=[own.pk]), {"owner": world.s2a.pk}, follow=True)
    own.refresh_from_db()
    assert own.owner == world.s1a
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_claim_conflict_is_a_clear_message(world, pooled) -> None:  # noqa: ANN001
    world.s1.pool_claims_per_day = 0
    world.s1.save()
    response = client_for(world.s1a).post(
        reverse("customers:claim", args=[pooled.pk]), {"next": reverse("customers:pool")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("customers:pool")
    [message] = list(response.context["messages"])
    assert message.level_tag == "error" and "每日上限" in str(message)  # the Chinese UI (default language)
    pooled.refresh_from_db()
    assert pooled.in_pool


def test_pool_page_shows_claims_left(world, pooled) -> None:  # noqa: ANN001
    other = CustomerFactory(owner=None, site=world.s1, in_pool=True)
    client = client_for(world.s1a)
    client.post(reverse("customers:claim", args=[other.pk]))
    assert PoolClaim.objects.filter(user=world.s1a).count() == 1
    response = client.get(reverse("customers:pool"))
    [quota] = response.context["claim_quota"]
    assert quota["used"] == 1 and quota["left"] == world.s1.pool_claims_per_day - 1
    assert reverse("customers:claim", args=[pooled.pk]) in response.content.decode()
    # Managers see the pool but have no claim buttons.
    response = client_for(world.sm1).get(reverse("customers:pool"))
    assert reverse("customers:claim", args=[pooled.pk]) not in response.content.decode()
    assert response.context["claim_quota"] == []


# --- export -----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["s1a", "ag1"])
def test_export_is_403_for_frontline(world, own, username) -> None:  # noqa: ANN001
    client = client_for(getattr(world, username))
    assert client.get(reverse("customers:export"), {"format": "csv"}).status_code == 403
    assert client.get(reverse("customers:export")).status_code == 403
    body = client.get(reverse("customers:list")).content.decode()
    assert reverse("customers:export") not in body
    assert not AuditEvent.objects.filter(action="export").exists()


def test_manager_exports_the_filtered_list(world, own) -> None:  # noqa: ANN001
    CustomerFactory(owner=world.s2a, site=world.s2, name="刘洋", phone="13600000002")
    client = client_for(world.sm1)
    assert reverse("customers:export") in client.get(reverse("customers:list")).content.decode()
    response = client.get(reverse("customers:export"), {"format": "csv", "search": "张"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    assert "13812341234" in content and "13600000002" not in content
    event = AuditEvent.objects.get(action="export")
    assert event.detail["row_count"] == 1 and event.detail["filters"] == {"search": "张"}
    response = client.get(reverse("customers:export"), {"format": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(reverse("customers:export")).status_code == 200  # the export page


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [("zh-hans", "1900000.00", "190万"), ("zh-hans", "2550000", "255万"), ("zh-hans", "8000", "8,000"),
     ("en", "1900000.00", "1,900,000"), ("en", None, "…")],
)  # fmt: skip
def test_money_filter_uses_wan_in_chinese(language, value, shown):
    from django.utils import translation

    from loupan.customers.templatetags.customer_tags import money

    with translation.override(language):
        assert money(value) == shown
