"""Customer services: validation, duplicates, ownership, the pool, offboarding, the daily job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loupan.core.errors import Conflict, NotAllowed, ValidationFailed
from loupan.core.models import AuditEvent
from loupan.core.validators import (
    InvalidValue,
    id_number_checksum,
    normalize_id_number,
    normalize_mobile,
)
from loupan.customers import services
from loupan.customers.models import Customer, SourceChannel
from loupan.customers.tests.factories import CustomerFactory
from loupan.customers.tests.helpers import DAY, create

pytestmark = pytest.mark.django_db


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["13900000011", "139 0000 0011", "139-0000-0011", "+86 139-0000-0011", "+8613900000011", "0086 13900000011",
     "8613900000011", "(139) 0000-0011"],
)  # fmt: skip
def test_create_normalises_phone(world, raw):  # noqa: ANN001
    c = create(world, phone=raw)
    c.refresh_from_db()
    assert (c.phone, c.phone_last4) == ("13900000011", "0011")


MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@given(
    number=MOBILE,
    prefix=st.sampled_from(["", "+86", "+86 ", "0086", "86", "0086-"]),
    cuts=st.lists(st.tuples(st.integers(1, 10), st.sampled_from([" ", "-"])), max_size=4),
)
def test_normalize_mobile_accepts_any_formatting(number: str, prefix: str, cuts: list) -> None:
    formatted = number
    for pos, sep in sorted(cuts, reverse=True):
        formatted = formatted[:pos] + sep + formatted[pos:]
    assert normalize_mobile(prefix + formatted) == number


@given(st.one_of(st.from_regex(r"1[0-2][0-9]{9}", fullmatch=True), st.from_regex(r"[02-9][0-9]{10}", fullmatch=True),
                 st.from_regex(r"1[3-9][0-9]{8}", fullmatch=True), st.from_regex(r"1[3-9][0-9]{10}", fullmatch=True),
                 st.text(alphabet="abcx.#", min_size=1)))  # fmt: skip
def test_normalize_mobile_rejects_what_is_not_a_mainland_mobile(raw: str) -> None:
    with pytest.raises(InvalidValue):
        normalize_mobile(raw)


@given(
    region=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    seq=st.from_regex(r"[0-9]{3}", fullmatch=True),
    wrong=st.sampled_from("0123456789X"),
)
def test_id_number_checksum(region: str, born: dt.date, seq: str, wrong: str) -> None:
    first17 = f"{region}{born:%Y%m%d}{seq}"
    good = first17 + id_number_checksum(first17)
    assert normalize_id_number(good.lower()) == good
    if wrong != good[-1]:
        with pytest.raises(InvalidValue):
            normalize_id_number(first17 + wrong)


def test_id_number_known_values() -> None:
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"
    for bad in ["110105194912310021", "11010519491331002X", "1101051949123100", "11010521991231002X"]:
        with pytest.raises(InvalidValue):
            normalize_id_number(bad)


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"phone": "12900000011"}, {"phone"}),
        ({"phone": "1390000001"}, {"phone"}),
        ({"phone": ""}, {"phone"}),
        ({"name": "  "}, {"name"}),
        ({"id_number": "110105194912310021"}, {"id_number"}),
        ({"birth_date": dt.date.today() + DAY}, {"birth_date"}),
        ({"birth_date": dt.date(1899, 12, 31)}, {"birth_date"}),
        ({"source": "carrier_pigeon"}, {"source"}),
        ({"intent_budget_min": Decimal("-1")}, {"intent_budget_max"}),
        ({"intent_budget_min": Decimal("300"), "intent_budget_max": Decimal("200")}, {"intent_budget_max"}),
        ({"intent_area_max": Decimal("-80")}, {"intent_area_max"}),
        ({"intent_area_min": Decimal("120"), "intent_area_max": Decimal("90")}, {"intent_area_max"}),
        ({"gender": "X"}, {"gender"}),
        ({"intent_bedrooms": 21}, {"intent_bedrooms"}),
        (
            {
                "phone": "bad",
                "source": "nope",
                "intent_area_min": Decimal("2"),
                "intent_area_max": Decimal("1"),
            },
            {"phone", "source", "intent_area_max"},
        ),
    ],
)
def test_create_rejects_bad_fields_and_writes_nothing(world, data, fields):  # noqa: ANN001
    with pytest.raises(ValidationFailed) as exc:
        create(world, interests=["高尔夫"], **data)
    assert set(exc.value.errors) == fields
    assert all(exc.value.errors[f] for f in fields)
    assert Customer.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="customer").exists()


def test_inactive_source_is_unknown(world):  # noqa: ANN001
    SourceChannel.objects.filter(code="event").update(is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        create(world, source="event")
    assert set(exc.value.errors) == {"source"}
    assert create(world, source="phone").source_id == "phone"


def test_create_keeps_valid_fields(world):  # noqa: ANN001
    c = create(
        world,
        name=" 欧阳娜娜 ",
        id_number="11010519491231002x",
        birth_date=dt.date(1949, 12, 31),
        source="walk_in",
        intent_budget_min=Decimal("0"),
        intent_budget_max=Decimal("0"),
        interests=["高尔夫", " 教育 ", "高尔夫"],
    )
    c.refresh_from_db()
    assert (c.name, c.name_initials, c.id_number) == ("欧阳娜娜", "oynn", "11010519491231002X")
    assert (c.owner, c.registered_by, c.credited_to) == (world.s1a, world.s1a, world.s1a)
    assert sorted(c.interests.values_list("name", flat=True)) == ["教育", "高尔夫"]
    event = AuditEvent.objects.get(action="create", object_type="customer", object_id=c.pk)
    assert event.actor == world.s1a
    assert event.changes["name"] == [None, "欧阳娜娜"]
    assert event.changes["owner"] == [None, world.s1a.pk]


# --- duplicates, capacity, who owns it ----------------------------------------------------------


def test_duplicate_phone_at_a_site_conflicts(world):  # noqa: ANN001
    create(world, phone="13912345678")
    with pytest.raises(Conflict) as exc:
        create(world, actor=world.s1b, name="张三", phone="+86 139 1234 5678")
    assert exc.value.code == "duplicate_customer"
    assert exc.value.extra == {"owner_name": "张顾问", "phone": "139****5678"}
    assert "13912345678" not in exc.value.detail
    assert Customer.objects.count() == 1


def test_duplicate_of_a_pool_customer_names_no_one(world):  # noqa: ANN001
    CustomerFactory(site=world.s1, owner=None, in_pool=True, phone="13912345678")
    with pytest.raises(Conflict) as exc:
        create(world, phone="13912345678")
    assert exc.value.code == "duplicate_customer"
    assert exc.value.extra["owner_name"] not in {u.display_name for u in (world.s1a, world.s1b, world.sm1)}


def test_same_phone_at_another_site_is_fine(world):  # noqa: ANN001
    a = create(world, phone="13912345678")
    b = create(world, actor=world.s2a, site=world.s2, phone="139-1234-5678")
    assert a.pk != b.pk and a.phone == b.phone


def test_update_to_a_taken_phone_conflicts(world):  # noqa: ANN001
    create(world, phone="13912345678")
    other = create(world, actor=world.s1b, phone="13912340000")
    with pytest.raises(Conflict) as exc:
        services.customer_update(actor=world.s1b, customer=other, data={"phone": "13912345678"})
    assert exc.value.code == "duplicate_customer"
    other.refresh_from_db()
    assert other.phone == "13912340000"


def test_capacity_cap(world):  # noqa: ANN001
    world.s1.max_customers_per_user = 2
    world.s1.save()
    create(world, phone="13900000001")
    create(world, phone="13900000002")
    with pytest.raises(Conflict) as exc:
        create(world, phone="13900000003")
    assert exc.value.code == "owner_at_capacity"
    create(world, actor=world.s1b, phone="13900000003")  # someone else still can
    assert Customer.objects.filter(owner=world.s1a).count() == 2


def test_manager_names_an_owner_who_works_at_the_site(world):  # noqa: ANN001
    c = create(world, actor=world.sm1, owner=world.ag1)
    assert (c.owner, c.registered_by, c.credited_to) == (world.ag1, world.sm1, world.ag1)
    with pytest.raises(ValidationFailed) as exc:
        create(world, actor=world.sm1, owner=world.s2a, phone="13900000099")
    assert set(exc.value.errors) == {"owner"}
    with pytest.raises(NotAllowed):
        create(world, actor=world.s1a, owner=world.s1b, phone="13900000098")
    with pytest.raises(NotAllowed):  # a site manager of s2 cannot register at s1
        create(world, actor=world.sm2, owner=world.s1a, phone="13900000097")
    assert Customer.objects.count() == 1


def test_sales_cannot_register_at_a_site_they_do_not_work_at(world):  # noqa: ANN001
    with pytest.raises(NotAllowed):
        create(world, actor=world.s2a, site=world.s1)
    assert not Customer.objects.exists()


# --- update with history ------------------------------------------------------------------------


def test_update_keeps_history(world):  # noqa: ANN001
    c = create(world, intent_budget_max=Decimal("2000000"), interests=["高尔夫"])
    services.customer_update(
        actor=world.sm1,
        customer=c,
        data={"name": "张伟明", "intent_budget_max": Decimal("2500000"), "occupation": "教师"},
        interests=["高尔夫", "教育"],
    )
    c.refresh_from_db()
    assert (c.name, c.name_initials) == ("张伟明", "zwm")
    event = AuditEvent.objects.filter(action="update", object_id=c.pk).get()
    assert event.actor == world.sm1
    assert event.changes == {
        "name": ["张伟", "张伟明"],
        "intent_budget_max": ["2000000.00", "2500000.00"],
        "occupation": ["", "教师"],
        "interests": [["高尔夫"], ["高尔夫", "教育"]],
    }, event.changes
    assert set(event.changes) == {"name", "intent_budget_max", "occupation", "interests"}
    # Saving the same values again writes no history.
    services.customer_update(
        actor=world.s1a, customer=c, data={"name": "张伟明", "intent_budget_max": Decimal("2500000")}
    )
    assert AuditEvent.objects.filter(action="update", object_id=c.pk).count() == 1


def test_update_by_someone_else_is_refused(world):  # noqa: ANN001
    c = create(world)
    for actor in (world.s1b, world.ag1):
        with pytest.raises(NotAllowed):
            services.customer_update(actor=actor, customer=c, data={"name": "改名"})
    c.refresh_from_db()
    assert c.name == "张伟"


def test_update_validates_like_create(world):  # noqa: ANN001
    c = create(world)
    with pytest.raises(ValidationFailed) as exc:
        services.customer_update(
            actor=world.s1a, customer=c, data={"phone": "123", "intent_area_min": Decimal("-1")}
        )
    assert set(exc.value.errors) == {"phone", "intent_area_max"}
