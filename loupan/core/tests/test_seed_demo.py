"""The demo data (``seed_demo``, ``demo_logins``): deterministic, complete and consistent."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max
from django.utils import timezone

from loupan.core import demo
from loupan.core.validators import normalize_id_number, normalize_mobile
from loupan.customers.models import Customer, Interest, SourceChannel
from loupan.customers.selectors import customers_to_follow_up
from loupan.customers.services import release_idle_customers
from loupan.customers.validation import name_initials
from loupan.org.models import Agency, Company, Site, User
from loupan.sales.models import Activity, ReceptionSlot

N = 400


def _seed(n: int = N, seed: int = 7, today: dt.date | None = None) -> str:
    out = StringIO()
    args = ["seed_demo", "--customers", str(n), "--seed", str(seed)]
    if today:
        args += ["--today", today.isoformat()]
    call_command(*args, stdout=out)
    return out.getvalue()


def _snapshot() -> list[tuple]:
    """Every customer with its activities, ids replaced by natural keys."""
    users = dict(User.objects.values_list("pk", "username"))
    sites = dict(Site.objects.values_list("pk", "code"))
    acts = defaultdict(list)
    for a in Activity.objects.order_by("occurred_at", "id"):
        acts[a.customer_id].append((users[a.user_id], a.kind, a.occurred_at, a.notes, a.next_action_at))
    rows = []
    for c in Customer.objects.order_by("id").prefetch_related("interests"):
        rows.append(
            (
                sites[c.site_id], users.get(c.owner_id), users.get(c.registered_by_id), c.name, c.phone,
                c.gender, c.birth_date, c.income_band, c.occupation, c.district, c.source_id, c.status,
                c.in_pool, c.pooled_at, c.last_touched_at, c.next_action_at, c.intent_budget_min,
                c.intent_budget_max, c.intent_area_min, c.intent_area_max, c.intent_bedrooms, c.intent_purpose,
                c.intent_level, c.created_at, c.id_number, sorted(i.name for i in c.interests.all()),
                tuple(acts[c.pk]),
            )
        )  # fmt: skip
    return rows


def _wipe_demo() -> None:
    """Remove what seed_demo made but the organisation: deals, inventory, customers."""
    from loupan.inventory.models import Building, PriceList, PriceListItem, Project, Unit
    from loupan.sales import models as deals

    for name in ("UnitChange", "Cancellation", "Handover", "Payment", "PaymentScheduleItem", "Contract",
                 "Subscription", "Reservation", "QueueCounter"):  # fmt: skip
        getattr(deals, name).objects.all().delete()
    for model in (PriceListItem, PriceList, Unit, Building):
        model.objects.all().delete()
    Site.objects.update(project=None)
    Project.objects.all().delete()
    Activity.objects.all().delete()
    Customer.objects.all().delete()


def _staff(n_sites: int = 3) -> list[demo.SiteStaff]:
    return [
        demo.SiteStaff(i + 1, 30, (10 * i + 1, 10 * i + 2, 10 * i + 3, 10 * i + 4), (100 + i,))
        for i in range(n_sites)
    ]


def test_generator_same_seed_same_data() -> None:
    today = dt.date(2026, 3, 1)
    first = demo.CustomerGenerator(5, today=today, sites=_staff())
    second = demo.CustomerGenerator(5, today=today, sites=_staff())
    other = demo.CustomerGenerator(6, today=today, sites=_staff())
    a = [first.customer() for _ in range(300)]
    assert a == [second.customer() for _ in range(300)]
    assert a != [other.customer() for _ in range(300)]
    assert demo.plan_org(5, today=today) == demo.plan_org(5, today=today)


def test_generator_activity_average_and_no_future() -> None:
    today = dt.date(2026, 3, 1)
    gen = demo.CustomerGenerator(1, today=today, sites=_staff(4))
    customers = [gen.customer() for _ in range(5000)]
    average = sum(len(c["activities"]) for c in customers) / len(customers)
    assert 4.5 <= average <= 5.5  # the benchmarks rely on about five per customer
    midnight = dt.datetime.combine(today, dt.time.min, tzinfo=demo.SHANGHAI)
    assert all(a["occurred_at"] < midnight for c in customers for a in c["activities"])
    assert all(c["created_at"] <= c["activities"][0]["occurred_at"] for c in customers)


@pytest.mark.django_db(transaction=True)
def test_same_seed_same_database_rows() -> None:
    today = dt.date(2026, 5, 20)
    _seed(150, seed=11, today=today)
    first = _snapshot()
    _wipe_demo()
    _seed(150, seed=11, today=today)
    assert _snapshot() == first


@pytest.mark.django_db
def test_counts_roles_and_organisation() -> None:
    output = _seed()
    assert f"{N} customers" in output
    assert Customer.objects.count() == N
    assert Company.objects.exclude(name="Loupan").exists()
    sites = list(Site.objects.all())
    assert 3 <= len(sites) <= 4
    demo_users = User.objects.filter(username__startswith=demo.DEMO_PREFIX)
    roles = Counter(demo_users.values_list("role", flat=True))
    assert set(roles) == {"admin", "company_manager", "site_manager", "sales", "agent"}
    assert roles["admin"] == 1 and roles["company_manager"] == 1
    admin = demo_users.get(role="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(demo.DEMO_PASSWORD)
    for site in sites:
        staff = site.staff.all()
        assert staff.filter(role="site_manager").count() == 1
        assert 4 <= staff.filter(role="sales").count() <= 6
        assert site.customers.exists()
        # The reception desk works at once: everyone who receives walk-ins is in the rotation.
        in_rotation = set(ReceptionSlot.objects.filter(site=site).values_list("user_id", flat=True))
        assert set(staff.filter(role="sales").values_list("pk", flat=True)) <= in_rotation
    agency = Agency.objects.get(name=demo.AGENCY_NAME)
    agent_sites = Site.objects.filter(staff__role="agent", staff__agency=agency).distinct()
    assert agent_sites.count() == 2
    assert Activity.objects.count() >= 3 * N
    assert (
        Interest.objects.filter(
            name__in=["高尔夫", "教育", "健身", "旅游", "投资理财", "亲子", "宠物"]
        ).count()
        == 7
    )


@pytest.mark.django_db
def test_if_empty_is_idempotent() -> None:
    _seed(100)
    counts = (Customer.objects.count(), Activity.objects.count(), User.objects.count(), Site.objects.count())
    out = StringIO()
    call_command("seed_demo", "--customers", "100", "--if-empty", stdout=out)
    assert "nothing seeded" in out.getvalue()
    assert (
        Customer.objects.count(),
        Activity.objects.count(),
        User.objects.count(),
        Site.objects.count(),
    ) == counts
    with pytest.raises(CommandError):
        call_command("seed_demo", "--customers", "100", stdout=StringIO())


@pytest.mark.django_db
def test_people_are_realistic() -> None:
    _seed()
    customers = list(Customer.objects.all())
    prefixes = set(demo.MOBILE_PREFIXES)
    per_site = Counter((c.site_id, c.phone) for c in customers)
    assert max(per_site.values()) == 1
    today = timezone.localdate()
    for c in customers:
        assert normalize_mobile(c.phone) == c.phone and c.phone[:3] in prefixes
        assert c.phone_last4 == c.phone[-4:]
        assert c.name_initials == name_initials(c.name) and 2 <= len(c.name) <= 4
        if c.birth_date:
            assert 22 <= c.age <= 70
        if c.id_number:
            assert normalize_id_number(c.id_number) == c.id_number
            assert c.id_number[6:14] == c.birth_date.strftime("%Y%m%d")
        if c.intent_budget_min is not None:
            assert c.intent_budget_min < c.intent_budget_max
            assert c.intent_area_min < c.intent_area_max
            assert 1 <= c.intent_bedrooms <= 5
        assert c.created_at.date() < today + dt.timedelta(days=1)
    ages = [c.age for c in customers if c.birth_date]
    assert sum(28 <= a <= 45 for a in ages) / len(ages) > 0.5
    assert Counter(len(c.name) for c in customers)[3] > Counter(len(c.name) for c in customers)[2] > 0
    assert {c.source_id for c in customers} == set(SourceChannel.objects.values_list("code", flat=True))
    statuses = Counter(c.status for c in customers)
    assert statuses["lead"] + statuses["visited"] > N / 2
    assert all(statuses[s] > 0 for s in ("lost", "subscribed", "contracted", "owner"))
    surnames = Counter(c.name[0] for c in customers)
    assert surnames.most_common(1)[0][0] in "王李张刘陈"
    # Richer households look for bigger budgets.
    by_band = defaultdict(list)
    for c in customers:
        if c.intent_budget_min is not None:
            by_band[c.income_band].append(c.intent_budget_min)
    assert sum(by_band["<10万"]) / len(by_band["<10万"]) < sum(by_band[">100万"]) / len(by_band[">100万"])


@pytest.mark.django_db
def test_ownership_pool_and_follow_ups_are_consistent() -> None:
    _seed()
    now = timezone.now()
    site_staff = {s.pk: {u.pk: u.role for u in s.staff.all()} for s in Site.objects.prefetch_related("staff")}
    last = {
        row["customer_id"]: row
        for row in Activity.objects.values("customer_id").annotate(n=Count("id"), latest=Max("occurred_at"))
    }
    kinds = defaultdict(set)
    for customer_id, kind in Activity.objects.values_list("customer_id", "kind"):
        kinds[customer_id].add(kind)
    assert not Activity.objects.filter(occurred_at__gt=now).exists()
    pool = 0
    for c in Customer.objects.select_related("site"):
        assert last[c.pk]["n"] >= 1
        assert c.last_touched_at == last[c.pk]["latest"]
        assert c.created_at <= c.last_touched_at
        if c.in_pool:
            pool += 1
            assert c.owner_id is None and c.next_action_at is None and c.pooled_at is not None
            assert c.status in ("lead", "visited", "lost")
            assert c.last_touched_at < now - dt.timedelta(days=c.site.pool_after_days)
        else:
            assert site_staff[c.site_id].get(c.owner_id) in ("sales", "agent")
            latest = Activity.objects.filter(customer=c).order_by("-occurred_at", "-id").first()
            assert c.next_action_at == latest.next_action_at
            if c.status in ("lead", "visited", "lost"):
                assert c.last_touched_at > now - dt.timedelta(days=c.site.pool_after_days)
        assert site_staff[c.site_id].get(c.registered_by_id) in ("sales", "agent")
        if c.status == "lead":
            assert not kinds[c.pk] & {"visit", "revisit"}
        elif c.status != "lost":
            assert "visit" in kinds[c.pk]
    assert 0.03 * N < pool < 0.2 * N
    assert set(Activity.objects.values_list("user_id", flat=True)) <= set(
        Customer.objects.values_list("registered_by_id", flat=True)
    )
    # The nightly job finds nothing to release: the pool is already up to date.
    assert release_idle_customers() == {"released": 0}


@pytest.mark.django_db
def test_home_page_has_work_today() -> None:
    _seed()
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=1)
    owned = Customer.objects.filter(owner__isnull=False)
    assert owned.filter(next_action_at__gte=start, next_action_at__lt=end).exists()
    assert owned.filter(next_action_at__lt=start).exists()
    assert owned.filter(next_action_at__gte=end).exists()
    busy = [u for u in User.objects.filter(role="sales") if customers_to_follow_up(user=u).exists()]
    assert len(busy) >= User.objects.filter(role="sales").count() // 2


@pytest.mark.django_db
def test_demo_logins_prints_every_demo_user(world) -> None:  # noqa: ANN001
    _seed(50)
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for user in User.objects.filter(username__startswith=demo.DEMO_PREFIX):
        line = next(line for line in text.splitlines() if line.startswith(user.username + " "))
        assert user.role in line and demo.DEMO_PASSWORD in line
    assert "\ns1a " not in text and "\nadmin " not in text  # other users are not demo logins
    for role in ("admin", "company_manager", "site_manager", "sales", "agent"):
        assert f" {role} " in text
