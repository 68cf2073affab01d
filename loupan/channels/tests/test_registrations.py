"""Registrations (渠道报备): protection, conflicts (撞单), expiry, the visit, offboarding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from loupan.channels import services
from loupan.channels.choices import RegistrationStatus
from loupan.channels.models import Registration
from loupan.channels.tests.factories import RegistrationFactory
from loupan.core.errors import Conflict, NotAllowed, ValidationFailed
from loupan.core.models import AuditEvent
from loupan.core.scheduler import run_due_jobs
from loupan.customers.models import Customer
from loupan.customers.services import customer_create
from loupan.customers.tests.factories import CustomerFactory
from loupan.sales.models import Activity

pytestmark = pytest.mark.django_db
PHONE = "13700001111"


def register(agent, site, phone=PHONE, name="孙先生"):  # noqa: ANN001, ANN201
    return services.registration_create(actor=agent, site=site, customer_name=name, phone=phone)


def test_an_agent_registers_a_prospect_protected_until_the_visit_deadline(ch) -> None:
    w = ch.w
    w.s1.registration_visit_days = 5
    w.s1.save()
    before = timezone.now()
    reg = register(w.ag1, w.s1, phone="+86 137-0000-1111")
    assert (reg.phone, reg.status, reg.agency, reg.agent) == (PHONE, "pending", w.agency, w.ag1)
    assert before + dt.timedelta(days=5) <= reg.protected_until <= timezone.now() + dt.timedelta(days=5)
    assert AuditEvent.objects.filter(object_type="registration", object_id=reg.pk, action="create").exists()


def test_a_second_registration_of_a_protected_phone_is_refused_without_leaking(ch) -> None:
    w = ch.w
    register(w.ag1, w.s1)
    with pytest.raises(Conflict) as exc:
        register(ch.ag2, w.s1, name="另一个名字")
    body = exc.value.as_dict()
    assert body == {"code": "already_protected", "detail": body["detail"], "phone": "137****1111"}
    assert PHONE not in body["detail"] and "赵代理" not in body["detail"] and "好房代理" not in body["detail"]
    assert "孙先生" not in body["detail"]
    assert Registration.objects.count() == 1
    assert AuditEvent.objects.filter(action="registration_conflict", actor=ch.ag2).count() == 1
    # The same phone at another site is not protected there.
    assert register(ch.ag2, w.s2).site == w.s2


def test_an_owned_customer_protects_the_phone_but_the_pool_does_not(ch) -> None:
    w = ch.w
    CustomerFactory(site=w.s1, owner=w.s1a, phone=PHONE)
    with pytest.raises(Conflict) as exc:
        register(w.ag1, w.s1)
    assert exc.value.code == "already_protected" and "张顾问" not in exc.value.detail
    CustomerFactory(site=w.s1, owner=None, in_pool=True, phone="13700002222")
    assert register(w.ag1, w.s1, phone="13700002222").status == "pending"


def test_customer_creation_answers_already_protected_under_a_live_registration(ch) -> None:
    w = ch.w
    register(w.ag1, w.s1)
    with pytest.raises(Conflict) as exc:
        customer_create(actor=w.s1a, site=w.s1, data={"name": "孙先生", "phone": PHONE})
    assert exc.value.code == "already_protected"
    assert "137****1111" in exc.value.detail and "赵代理" not in exc.value.detail
    assert not Customer.objects.exists()
    # Another site is free.
    assert customer_create(actor=w.s2a, site=w.s2, data={"name": "孙先生", "phone": PHONE}).site == w.s2


def test_only_agents_register_and_only_at_their_contracts_sites(ch) -> None:
    w = ch.w
    with pytest.raises(NotAllowed):
        register(w.s1a, w.s1)
    with pytest.raises(ValidationFailed) as exc:
        register(w.ag1, w.s2)  # ag1 does not work at s2
    assert "site" in exc.value.errors
    w.ag1.sites.add(w.s2)
    with pytest.raises(ValidationFailed):
        register(w.ag1, w.s2)  # works there now, but the contract covers s1 only
    ch.contract.sites.add(w.s2)
    assert register(w.ag1, w.s2).site == w.s2


def test_bad_input_is_refused_per_field(ch) -> None:
    with pytest.raises(ValidationFailed) as exc:
        register(ch.w.ag1, ch.w.s1, phone="12345", name=" ")
    assert set(exc.value.errors) == {"phone", "customer_name"}


def test_expired_registrations_lapse_by_the_daily_job_and_free_the_phone(ch) -> None:
    w = ch.w
    late = RegistrationFactory(
        agent=w.ag1, site=w.s1, phone=PHONE, protected_until=timezone.now() - dt.timedelta(minutes=1)
    )
    live = RegistrationFactory(agent=w.ag1, site=w.s1, phone="13700003333")
    assert run_due_jobs()[:2] == ["release_idle_customers", "expire_registrations"]
    late.refresh_from_db()
    live.refresh_from_db()
    assert (late.status, live.status) == ("expired", "pending")
    assert AuditEvent.objects.filter(action="expire", object_type="registration", object_id=late.pk).exists()
    assert register(ch.ag2, w.s1).agent == ch.ag2


def test_the_management_command_expires_and_a_stale_one_never_blocks(ch, capsys) -> None:  # noqa: ANN001
    w = ch.w
    RegistrationFactory(
        agent=w.ag1, site=w.s1, phone=PHONE, protected_until=timezone.now() - dt.timedelta(hours=1)
    )
    # Not yet expired by the job: a new registration of the phone still goes through.
    assert register(ch.ag2, w.s1).status == "pending"
    assert Registration.objects.get(agent=w.ag1).status == "expired"
    RegistrationFactory(agent=w.ag1, site=w.s1, phone="13700004444", protected_until=timezone.now())
    call_command("expire_registrations")
    assert "1 registrations expired" in capsys.readouterr().out


def test_site_staff_confirm_the_visit_creating_the_agents_customer(ch) -> None:
    w = ch.w
    w.s1.registration_protection_days = 20
    w.s1.save()
    reg = register(w.ag1, w.s1)
    reg = services.registration_confirm_visit(actor=w.s1b, registration=reg)
    customer = reg.customer
    assert (reg.status, reg.confirmed_by, reg.attached) == ("confirmed", w.s1b, False)
    assert reg.protected_until > timezone.now() + dt.timedelta(days=19)
    assert (customer.owner, customer.registered_by, customer.credited_to) == (w.ag1, w.ag1, w.ag1)
    assert (customer.site, customer.phone, customer.name, customer.source_id) == (
        w.s1,
        PHONE,
        "孙先生",
        "agency",
    )
    assert customer.status == "visited"
    visit = Activity.objects.get(customer=customer)
    assert (visit.kind, visit.user) == ("visit", w.ag1)
    assert AuditEvent.objects.filter(action="confirm_visit", object_id=reg.pk, actor=w.s1b).exists()
    with pytest.raises(Conflict) as exc:
        services.registration_confirm_visit(actor=w.sm1, registration=reg)
    assert exc.value.code == "registration_not_pending"


def test_a_pool_customer_is_attached_to_the_agent(ch) -> None:
    w = ch.w
    pooled = CustomerFactory(site=w.s1, owner=None, in_pool=True, phone=PHONE, status="lost")
    reg = services.registration_confirm_visit(actor=w.sm1, registration=register(w.ag1, w.s1))
    pooled.refresh_from_db()
    assert reg.customer == pooled and reg.attached
    assert (pooled.owner, pooled.credited_to, pooled.in_pool) == (w.ag1, w.ag1, False)


def test_who_may_confirm_and_when(ch) -> None:
    w = ch.w
    reg = register(w.ag1, w.s1)
    for outsider in (w.ag1, ch.ag2, w.s2a, w.sm2):
        with pytest.raises(NotAllowed):
            services.registration_confirm_visit(actor=outsider, registration=reg)
    Registration.objects.filter(pk=reg.pk).update(protected_until=timezone.now() - dt.timedelta(seconds=1))
    reg.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        services.registration_confirm_visit(actor=w.sm1, registration=reg)
    assert exc.value.code == "registration_expired"
    assert not Customer.objects.exists()


def test_managers_reject_a_pending_registration(ch) -> None:
    w = ch.w
    reg = register(w.ag1, w.s1)
    with pytest.raises(NotAllowed):
        services.registration_reject(actor=w.s1a, registration=reg)
    reg = services.registration_reject(actor=w.sm1, registration=reg, reason="本人未到")
    assert (reg.status, reg.reason) == ("rejected", "本人未到")
    assert register(ch.ag2, w.s1).status == "pending"


def test_ending_the_contract_offboards_every_agent_at_once(ch) -> None:
    w = ch.w
    second = type(w.ag1).objects.create_user(
        username="ag1b", password="x" * 12, role="agent", agency=w.agency
    )
    second.sites.add(w.s1)
    token = Token.objects.create(user=second)
    mine = CustomerFactory(site=w.s1, owner=w.ag1, phone="13700005555")
    theirs = CustomerFactory(site=w.s1, owner=second, phone="13700006666")
    pending = register(w.ag1, w.s1)
    result = services.agency_contract_end(actor=w.admin, contract=ch.contract, reason="合同终止")
    assert result == {"released": 2, "registrations": 1}
    for user in (w.ag1, second):
        user.refresh_from_db()
        assert not user.is_active and not user.has_live_access
    assert not Token.objects.filter(pk=token.pk).exists()
    for customer in (mine, theirs):
        customer.refresh_from_db()
        assert customer.owner is None and customer.in_pool  # kept, released to the pool
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.EXPIRED
    ch.contract.refresh_from_db()
    w.agency.refresh_from_db()
    assert ch.contract.status == "ended" and not w.agency.is_active
    assert ch.contract.end == timezone.localdate() == w.agency.contract_end
    assert Customer.objects.count() == 2  # nothing deleted


def test_the_protection_period_after_the_visit_keeps_the_customer_from_the_pool(ch) -> None:
    from loupan.customers.selectors import customers_about_to_pool
    from loupan.customers.services import release_idle_customers

    w = ch.w
    w.s1.pool_after_days = 3
    w.s1.registration_protection_days = 10
    w.s1.save()
    reg = services.registration_confirm_visit(actor=w.sm1, registration=register(w.ag1, w.s1))
    idle_since = timezone.now() - dt.timedelta(days=5)
    Customer.objects.filter(pk=reg.customer_id).update(last_touched_at=idle_since)
    other = CustomerFactory(site=w.s1, owner=w.ag1, phone="13700007777", last_touched_at=idle_since)
    # The home page warns the agent about the one that will go, not the protected one.
    assert [c.pk for c in customers_about_to_pool(user=w.ag1)] == [other.pk]
    assert release_idle_customers() == {"released": 1}  # the other one, not the protected one
    reg.customer.refresh_from_db()
    other.refresh_from_db()
    assert reg.customer.owner == w.ag1 and not reg.customer.in_pool and other.in_pool
    # Once the protection is over, the usual idle rule applies.
    later = timezone.now() + dt.timedelta(days=11)
    assert release_idle_customers(now=later) == {"released": 1}
    reg.customer.refresh_from_db()
    assert reg.customer.in_pool
