"""Customer ownership services: transfer, release to the pool, claim, the daily release of idle
customers, and offboarding."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from loupan.core.errors import Conflict, NotAllowed, ValidationFailed
from loupan.core.models import AuditEvent, JobRun
from loupan.core.scheduler import run_due_jobs
from loupan.core.testing.clients import client_for as _session_client
from loupan.customers import services
from loupan.customers.models import Customer, PoolClaim
from loupan.customers.tasks import release_idle_customers_task
from loupan.customers.tests.factories import CustomerFactory
from loupan.customers.tests.helpers import DAY, create, idle
from loupan.org import services as org_services
from loupan.org.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


# --- transfer, release, claim -------------------------------------------------------------------


def test_transfer_by_manager_keeps_credit(world):  # noqa: ANN001
    c = create(world)
    services.customer_transfer(actor=world.sm1, customer=c, new_owner=world.s1b)
    c.refresh_from_db()
    assert (c.owner, c.credited_to, c.registered_by) == (world.s1b, world.s1a, world.s1a)
    event = AuditEvent.objects.get(action="transfer", object_id=c.pk)
    assert event.changes["owner"] == [world.s1a.pk, world.s1b.pk]


def test_transfer_rules(world):  # noqa: ANN001
    c = create(world)
    with pytest.raises(NotAllowed):
        services.customer_transfer(actor=world.s1a, customer=c, new_owner=world.s1b)
    with pytest.raises(NotAllowed):
        services.customer_transfer(actor=world.sm2, customer=c, new_owner=world.s1b)
    with pytest.raises(ValidationFailed) as exc:
        services.customer_transfer(actor=world.sm1, customer=c, new_owner=world.s2a)
    assert set(exc.value.errors) == {"owner"}
    org_services.user_deactivate(actor=world.admin, user=world.s1b)
    with pytest.raises(ValidationFailed):
        services.customer_transfer(actor=world.sm1, customer=c, new_owner=world.s1b)
    c.refresh_from_db()
    assert c.owner == world.s1a


def test_transfer_takes_a_customer_out_of_the_pool(world):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=None, in_pool=True, pooled_at=timezone.now())
    services.customer_transfer(actor=world.cm, customer=c, new_owner=world.ag1)
    c.refresh_from_db()
    assert (c.owner, c.in_pool, c.pooled_at) == (world.ag1, False, None)


@pytest.mark.parametrize("actor", ["s1a", "sm1", "cm", "admin"])
def test_release_by_owner_or_manager(world, actor):  # noqa: ANN001
    c = create(world)
    c.next_action_at = timezone.now() + DAY
    c.save()
    services.customer_release(actor=getattr(world, actor), customer=c, reason="不想要了")
    c.refresh_from_db()
    assert (c.owner, c.in_pool, c.next_action_at) == (None, True, None)
    assert c.pooled_at is not None
    event = AuditEvent.objects.get(action="release", object_id=c.pk)
    assert event.changes == {"owner": [world.s1a.pk, None], "in_pool": [False, True]}
    assert event.detail == {"reason": "不想要了"}


def test_release_refusals(world):  # noqa: ANN001
    c = create(world)
    for actor in (world.s1b, world.ag1, world.sm2):
        with pytest.raises(NotAllowed):
            services.customer_release(actor=actor, customer=c)
    services.customer_release(actor=world.s1a, customer=c)
    with pytest.raises(Conflict) as exc:  # the manager finds it already in the pool
        services.customer_release(actor=world.sm1, customer=Customer.objects.get(pk=c.pk))
    assert exc.value.code == "already_in_pool"
    stale = Customer.objects.get(pk=c.pk)
    stale.in_pool, stale.owner = False, world.s1a  # the owner's page was loaded before the release
    with pytest.raises(Conflict) as exc:
        services.customer_release(actor=world.s1a, customer=stale)
    assert exc.value.code == "already_in_pool"


def test_claim_moves_owner_and_credit(world):  # noqa: ANN001
    c = create(world)
    services.customer_release(actor=world.s1a, customer=c)
    services.customer_claim(actor=world.s1b, customer=Customer.objects.get(pk=c.pk))
    c.refresh_from_db()
    assert (c.owner, c.credited_to, c.registered_by, c.in_pool) == (world.s1b, world.s1b, world.s1a, False)
    assert PoolClaim.objects.filter(customer=c, user=world.s1b, site=world.s1).count() == 1
    assert AuditEvent.objects.get(action="claim", object_id=c.pk).changes["owner"] == [None, world.s1b.pk]


def test_second_claimer_gets_not_in_pool(world):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=None, in_pool=True)
    first, second = Customer.objects.get(pk=c.pk), Customer.objects.get(pk=c.pk)
    services.customer_claim(actor=world.s1a, customer=first)
    with pytest.raises(Conflict) as exc:
        services.customer_claim(actor=world.ag1, customer=second)
    assert exc.value.code == "not_in_pool"
    c.refresh_from_db()
    assert c.owner == world.s1a
    assert PoolClaim.objects.count() == 1


def test_only_sales_and_agents_of_the_site_claim(world):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=None, in_pool=True)
    for actor in (world.s2a, world.sm1, world.cm, world.admin):
        with pytest.raises(NotAllowed):
            services.customer_claim(actor=actor, customer=c)
    services.customer_claim(actor=world.ag1, customer=c)
    assert Customer.objects.get(pk=c.pk).owner == world.ag1
    owned = create(world, phone="13900000077")
    with pytest.raises(NotAllowed):  # not in the pool
        services.customer_claim(actor=world.s1b, customer=owned)


def test_daily_claim_limit(world):  # noqa: ANN001
    world.s1.pool_claims_per_day = 2
    world.s1.save()
    pool = [CustomerFactory(site=world.s1, owner=None, in_pool=True) for _ in range(4)]
    # Yesterday's claims do not count against today.
    PoolClaim.objects.create(
        customer=pool[3],
        user=world.s1a,
        site=world.s1,
        claimed_at=timezone.now() - dt.timedelta(days=1, hours=1),
    )
    services.customer_claim(actor=world.s1a, customer=pool[0])
    services.customer_claim(actor=world.s1a, customer=pool[1])
    with pytest.raises(Conflict) as exc:
        services.customer_claim(actor=world.s1a, customer=pool[2])
    assert exc.value.code == "claim_limit_reached"
    assert Customer.objects.get(pk=pool[2].pk).in_pool
    services.customer_claim(actor=world.s1b, customer=pool[2])  # the limit is per person


def test_claim_respects_capacity(world):  # noqa: ANN001
    world.s1.max_customers_per_user = 1
    world.s1.save()
    create(world)
    c = CustomerFactory(site=world.s1, owner=None, in_pool=True)
    with pytest.raises(Conflict) as exc:
        services.customer_claim(actor=world.s1a, customer=c)
    assert exc.value.code == "owner_at_capacity"
    assert Customer.objects.get(pk=c.pk).in_pool


# --- the daily release of idle customers --------------------------------------------------------


def test_release_idle_customers(world):  # noqa: ANN001
    world.s1.pool_after_days = 30
    world.s1.pool_after_days_by_status = {"lead": 7}
    world.s1.save()
    gone = {
        idle(world, 8, status="lead"),
        idle(world, 31, status="visited"),
        idle(world, 31, status="lost"),
        idle(world, 31, status="visited", site=world.s2, owner=world.s2a),
    }
    kept = {
        idle(world, 6, status="lead"),
        idle(world, 29, status="visited"),
        idle(world, 8, status="lead", site=world.s2, owner=world.s2a),  # s2 has no lead rule
        idle(world, 400, status="subscribed"),
        idle(world, 400, status="contracted"),
        idle(world, 400, status="owner"),
    }
    assert services.release_idle_customers() == {"released": 4}
    assert set(Customer.objects.filter(in_pool=True)) == gone
    assert all(c.owner_id is None for c in Customer.objects.filter(in_pool=True))
    assert not any(c.in_pool for c in Customer.objects.filter(pk__in=[k.pk for k in kept]))
    events = AuditEvent.objects.filter(action="auto_release")
    assert {e.object_id for e in events} == {c.pk for c in gone}
    one = events.get(object_id=next(iter(gone)).pk)
    assert one.changes["in_pool"] == [False, True] and one.changes["owner"][1] is None
    # Idempotent: nothing more to do, nothing more written.
    assert services.release_idle_customers() == {"released": 0}
    assert AuditEvent.objects.filter(action="auto_release").count() == 4
    assert Customer.objects.count() == 10


def test_release_idle_skips_inactive_sites(world):  # noqa: ANN001
    world.s2.is_active = False
    world.s2.save()
    c = idle(world, 100, site=world.s2, owner=world.s2a)
    assert services.release_idle_customers() == {"released": 0}
    assert not Customer.objects.get(pk=c.pk).in_pool


def test_management_command_and_task(world):  # noqa: ANN001
    c = idle(world, 31)
    out = io.StringIO()
    call_command("release_idle_customers", stdout=out)
    assert "Released 1 idle customers" in out.getvalue()
    assert Customer.objects.get(pk=c.pk).in_pool
    idle(world, 40, phone="13911112222")
    assert release_idle_customers_task.delay().get() == {"released": 1}


def test_scheduler_runs_once_per_local_day(world):  # noqa: ANN001
    c = idle(world, 31)
    # 23:30 in Shanghai on 1 July is 15:30 UTC; 00:10 on 2 July is 16:10 UTC the same UTC day.
    evening = dt.datetime(2030, 7, 1, 15, 30, tzinfo=dt.UTC)
    assert "release_idle_customers" in run_due_jobs(now=evening)  # other apps add daily jobs too
    run = JobRun.objects.get(name="release_idle_customers")
    assert run.last_run_at == evening
    assert run.last_result == {"released": 1}
    assert Customer.objects.get(pk=c.pk).in_pool
    assert run_due_jobs(now=evening + dt.timedelta(minutes=20)) == []
    assert "release_idle_customers" in run_due_jobs(now=evening + dt.timedelta(minutes=40))
    assert JobRun.objects.filter(name="release_idle_customers").count() == 1
    assert JobRun.objects.get(name="release_idle_customers").last_result == {"released": 0}


# --- offboarding ---------------------------------------------------------------------------------


def test_user_deactivate_ends_access_and_keeps_customers(world, api):  # noqa: ANN001
    mine = [create(world, phone=f"1390000000{i}") for i in range(3)]
    client = api(world.s1a)
    assert client.get("/api/v1/customers/").status_code == 200
    web = _session_client(world.s1a)
    assert web.get("/api/v1/customers/").status_code == 200

    assert org_services.user_deactivate(actor=world.admin, user=world.s1a) == {"released": 3}

    world.s1a.refresh_from_db()
    assert world.s1a.is_active is False and world.s1a.deactivated_at is not None
    assert not Token.objects.filter(user=world.s1a).exists()
    assert client.get("/api/v1/customers/").status_code == 401
    assert web.get("/api/v1/customers/").status_code == 401
    assert not any(s.get_decoded().get("_auth_user_id") == str(world.s1a.pk) for s in Session.objects.all())
    login = Client()
    r = login.post("/login/", {"username": "s1a", "password": PASSWORD})
    assert r.status_code == 200  # the form again, not a redirect into the app
    assert "_auth_user_id" not in login.session
    assert api().post("/api/v1/auth/token/", {"username": "s1a", "password": PASSWORD}).status_code == 400
    assert Customer.objects.count() == 3
    for c in mine:
        c.refresh_from_db()
        assert (c.in_pool, c.owner, c.registered_by, c.credited_to) == (True, None, world.s1a, world.s1a)
    assert AuditEvent.objects.filter(action="offboard_release").count() == 3
    assert AuditEvent.objects.filter(action="deactivate", object_type="user", object_id=world.s1a.pk).exists()


def test_user_deactivate_hands_customers_to_a_colleague(world):  # noqa: ANN001
    mine = [create(world, phone=f"1390000000{i}") for i in range(2)]
    assert org_services.user_deactivate(actor=world.admin, user=world.s1a, hand_to=world.s1b) == {
        "released": 2
    }
    assert set(Customer.objects.filter(owner=world.s1b)) == set(mine)
    assert not Customer.objects.filter(in_pool=True).exists()


def test_deactivation_rules(world):  # noqa: ANN001
    with pytest.raises(NotAllowed):
        org_services.user_deactivate(actor=world.cm, user=world.s1a)
    with pytest.raises(Conflict) as exc:
        org_services.user_deactivate(actor=world.admin, user=world.admin)
    assert exc.value.code == "cannot_deactivate_self"
    world.s1a.refresh_from_db()
    assert world.s1a.is_active


def test_agency_deactivate_offboards_its_agents(world, api):  # noqa: ANN001
    c = create(world, actor=world.ag1)
    client = api(world.ag1)
    web = _session_client(world.ag1)
    assert client.get("/api/v1/customers/").status_code == 200
    assert org_services.agency_deactivate(actor=world.admin, agency=world.agency) == {"released": 1}
    world.agency.refresh_from_db()
    assert world.agency.is_active is False
    assert world.agency.contract_end == timezone.localdate()
    assert client.get("/api/v1/customers/").status_code == 401
    assert web.get("/api/v1/customers/").status_code == 401
    c.refresh_from_db()
    assert (c.in_pool, c.owner) == (True, None)
    assert Customer.objects.count() == 1
    # Running it again changes nothing and fails nothing.
    assert org_services.agency_deactivate(actor=world.admin, agency=world.agency) == {"released": 0}


def test_agent_of_an_ended_contract_loses_access_without_deactivation(world, api):  # noqa: ANN001
    client = api(world.ag1)
    web = _session_client(world.ag1)
    assert client.get("/api/v1/customers/").status_code == 200
    world.agency.contract_end = timezone.localdate() - DAY
    world.agency.save()
    assert client.get("/api/v1/customers/").status_code == 401
    assert web.get("/api/v1/customers/").status_code == 401
    assert api().post("/api/v1/auth/token/", {"username": "ag1", "password": PASSWORD}).status_code == 400
