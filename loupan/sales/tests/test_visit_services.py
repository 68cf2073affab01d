"""Walk-in registration and the reception rotation (services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from loupan.core.errors import Conflict, NotAllowed, ValidationFailed
from loupan.core.models import AuditEvent
from loupan.customers.models import Customer
from loupan.customers.tests.factories import CustomerFactory
from loupan.org.tests.factories import UserFactory
from loupan.sales import services
from loupan.sales.models import Activity, ReceptionQueue, ReceptionSlot, Visit
from loupan.sales.visit_selectors import reception_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(world):  # noqa: ANN001, ANN201
    """Site s1's rotation: s1a, s1b, ag1 (in that order)."""
    for user in (world.s1a, world.s1b, world.ag1):
        services.reception_slot_add(actor=world.sm1, site=world.s1, user=user)
    return [world.s1a, world.s1b, world.ag1]


def walk_in(world, phone: str, name: str = "访客", actor=None, **kw):  # noqa: ANN001, ANN003, ANN201
    return services.visit_register(actor=actor or world.sm1, site=world.s1, phone=phone, name=name, **kw)


def test_new_visitors_go_round_the_rotation(world, queue):  # noqa: ANN001
    visits = [walk_in(world, f"1380000000{i}") for i in range(7)]
    assert [v.assigned_to for v in visits] == [*queue, *queue, world.s1a]
    v = visits[0]
    assert (v.kind, v.assignment, v.new_customer, v.registered_by) == ("visit", "rotation", True, world.sm1)
    c = v.customer
    assert (c.owner, c.registered_by, c.credited_to, c.site, c.source_id) == (
        world.s1a,
        world.sm1,
        world.s1a,
        world.s1,
        "walk_in",
    )
    assert c.status == "visited"  # the visit moved the new lead on
    assert (v.activity.user, v.activity.kind, v.activity.customer) == (world.s1a, "visit", c)
    q = ReceptionQueue.objects.get(site=world.s1)
    assert (q.last_user, q.last_position) == (world.s1a, 1)


def test_the_rotation_skips_who_is_off_duty_inactive_or_gone(world, queue):  # noqa: ANN001
    services.reception_duty_set(actor=world.sm1, site=world.s1, user=world.s1b, on_duty=False)
    assert [walk_in(world, f"1390000000{i}").assigned_to for i in range(3)] == [
        world.s1a,
        world.ag1,
        world.s1a,
    ]
    services.reception_duty_set(actor=world.sm1, site=world.s1, user=world.s1b, on_duty=True)
    assert walk_in(world, "13900000010").assigned_to == world.s1b  # back in line where they stood
    world.agency.is_active = False  # the agency's contract ended
    world.agency.save()
    world.s1a.sites.clear()  # moved away from the site
    assert walk_in(world, "13900000011").assigned_to == world.s1b
    world.s1b.is_active = False
    world.s1b.save()
    with pytest.raises(Conflict) as exc:
        walk_in(world, "13900000012")
    assert exc.value.code == "no_one_on_duty"
    assert not Customer.objects.filter(phone="13900000012").exists()
    assert ReceptionQueue.objects.get(site=world.s1).last_user == world.s1b  # unchanged


def test_a_customer_with_an_owner_goes_to_that_owner_and_keeps_the_turn(world, queue):  # noqa: ANN001
    mine = CustomerFactory(site=world.s1, owner=world.s1b, phone="13700000001", status="lead")
    v = walk_in(world, "+86 137-0000-0001", name="不用")
    assert (v.assigned_to, v.assignment, v.kind, v.new_customer, v.customer) == (
        world.s1b,
        "owner",
        "visit",
        False,
        mine,
    )  # never visited before: a first visit
    assert Customer.objects.get(pk=mine.pk).name != "不用"  # an existing record is not edited
    assert walk_in(world, "13700000002").assigned_to == world.s1a  # the rotation did not move
    again = walk_in(world, "13700000001")
    assert (again.kind, again.assigned_to) == ("revisit", world.s1b)
    assert Activity.objects.filter(customer=mine, kind="revisit", user=world.s1b).count() == 1


def test_revisit_detection(world, queue):  # noqa: ANN001
    CustomerFactory(site=world.s1, owner=world.s1a, phone="13700000011", status="visited")
    called = CustomerFactory(site=world.s1, owner=world.s1a, phone="13700000012", status="lead")
    Activity.objects.create(customer=called, user=world.s1a, kind="call")
    lost = CustomerFactory(site=world.s1, owner=world.s1a, phone="13700000013", status="lost")
    Activity.objects.create(customer=lost, user=world.s1a, kind="visit")
    assert walk_in(world, "13700000011").kind == "revisit"  # by status (an imported record)
    assert walk_in(world, "13700000012").kind == "visit"  # a call is not a visit
    assert walk_in(world, "13700000013").kind == "revisit"  # by an earlier visit
    same_phone_elsewhere = CustomerFactory(
        site=world.s2, owner=world.s2a, phone="13700000014", status="visited"
    )
    v = walk_in(world, "13700000014")
    assert (v.kind, v.new_customer, v.assigned_to) == ("visit", True, world.s1a)
    assert v.customer != same_phone_elsewhere


def test_a_pool_customer_goes_to_the_rotation(world, queue):  # noqa: ANN001
    pooled = CustomerFactory(site=world.s1, owner=None, in_pool=True, phone="13600000001", status="visited")
    v = walk_in(world, "13600000001", actor=world.s1b)
    pooled.refresh_from_db()
    assert (v.assigned_to, v.assignment, v.kind) == (world.s1a, "rotation", "revisit")
    assert (pooled.owner, pooled.in_pool, pooled.credited_to) == (world.s1a, False, world.s1a)
    assign = AuditEvent.objects.get(action="assign", object_id=pooled.pk)
    assert assign.actor == world.s1b and assign.changes["owner"] == [None, world.s1a.pk]


def test_a_salesperson_at_the_desk_registers_for_a_colleague(world, queue):  # noqa: ANN001
    v = walk_in(world, "13500000001", actor=world.s1b, data={"gender": "F", "source": "online"})
    assert v.assigned_to == world.s1a and v.registered_by == world.s1b
    assert (v.customer.gender, v.customer.source_id) == ("F", "online")
    event = AuditEvent.objects.get(action="visit", object_id=v.customer.pk)
    assert event.actor == world.s1b and event.detail["assigned_to"] == world.s1a.pk


def test_validation_and_permissions(world, queue):  # noqa: ANN001
    with pytest.raises(ValidationFailed) as exc:
        walk_in(world, "12345", party_size=0, notes="x" * 501)
    assert set(exc.value.errors) == {"phone", "party_size", "notes"}
    with pytest.raises(ValidationFailed) as exc:
        walk_in(world, "13500000002", name=" ")
    assert set(exc.value.errors) == {"name"}
    with pytest.raises(ValidationFailed) as exc:
        walk_in(world, "13500000003", occurred_at=timezone.now() + dt.timedelta(hours=1))
    assert set(exc.value.errors) == {"occurred_at"}
    with pytest.raises(NotAllowed):
        services.visit_register(actor=world.s2a, site=world.s1, phone="13500000004", name="李四")
    assert not Visit.objects.exists() and not ReceptionQueue.objects.filter(last_position__gt=0).exists()


def test_the_manager_orders_the_rotation(world, queue):  # noqa: ANN001
    assert walk_in(world, "13400000001").assigned_to == world.s1a
    services.reception_order_set(
        actor=world.sm1, site=world.s1, user_ids=[world.ag1.pk, world.s1a.pk, world.s1b.pk]
    )
    assert [s.user for s in ReceptionSlot.objects.filter(site=world.s1)] == [world.ag1, world.s1a, world.s1b]
    assert walk_in(world, "13400000002").assigned_to == world.s1b  # the one after the last served
    services.reception_slot_move(actor=world.sm1, site=world.s1, user=world.s1b, step=-1)
    assert [r["user"] for r in reception_state(site=world.s1)["rows"]] == [world.ag1, world.s1b, world.s1a]
    assert reception_state(site=world.s1)["next"] == world.s1a
    services.reception_slot_remove(actor=world.sm1, site=world.s1, user=world.s1a)
    assert reception_state(site=world.s1)["next"] == world.ag1
    with pytest.raises(ValidationFailed):
        services.reception_order_set(actor=world.sm1, site=world.s1, user_ids=[world.ag1.pk])
    with pytest.raises(Conflict):
        services.reception_slot_add(actor=world.sm1, site=world.s1, user=world.ag1)
    with pytest.raises(ValidationFailed):  # works at another site
        services.reception_slot_add(actor=world.sm1, site=world.s1, user=world.s2a)
    for who in (world.sm2, world.s1a):
        with pytest.raises(NotAllowed):
            services.reception_slot_add(actor=who, site=world.s1, user=world.s1a)
        with pytest.raises(NotAllowed):
            services.reception_duty_set(actor=who, site=world.s1, user=world.s1b, on_duty=False)


def test_a_site_without_a_rotation_has_no_one_to_receive(world):  # noqa: ANN001
    with pytest.raises(Conflict) as exc:
        walk_in(world, "13300000001")
    assert exc.value.code == "no_one_on_duty"
    newcomer = UserFactory(role="sales", sites=[world.s1])
    services.reception_slot_add(actor=world.cm, site=world.s1, user=newcomer)
    assert walk_in(world, "13300000001").assigned_to == newcomer
    added = services.reception_slot_add_all(actor=world.sm1, site=world.s1)
    assert [s.user for s in added] == [world.s1a, world.s1b, world.ag1]  # in the order they joined
    assert [s.user for s in ReceptionSlot.objects.filter(site=world.s1)] == [
        newcomer,
        world.s1a,
        world.s1b,
        world.ag1,
    ]
    assert services.reception_slot_add_all(actor=world.sm1, site=world.s1) == []
    with pytest.raises(NotAllowed):
        services.reception_slot_add_all(actor=world.s1a, site=world.s1)


def test_work_log_note_is_written_by_its_author_today_only(world):  # noqa: ANN001
    note = services.worklog_note_set(actor=world.s1a, text=" 接待3组客户 ")
    assert (note.user, note.date, note.text) == (world.s1a, timezone.localdate(), "接待3组客户")
    again = services.worklog_note_set(actor=world.s1a, text="改了")
    assert again.pk == note.pk and again.text == "改了"
    with pytest.raises(ValidationFailed) as exc:
        services.worklog_note_set(
            actor=world.s1a, text="补", date=timezone.localdate() - dt.timedelta(days=1)
        )
    assert set(exc.value.errors) == {"date"}
