"""Deterministic demo data: a developer in Hangzhou, its sales sites, staff and customers.

The same seed and the same ``today`` give the same data, row for row. Every date is an
offset from ``today`` (local time, Asia/Shanghai): nothing happens today or later except
the next actions that make up today's and the coming days' work.

The generator is plain Python (no ORM) so that both ``manage.py seed_demo`` (ORM
``bulk_create``) and the benchmarks (raw bulk inserts of a million customers) use it.
Rows are dicts keyed by model attribute names (``site_id``, ``owner_id``...).

Consistency kept here, so that the demo looks like the result of real use:
- a customer's ``last_touched_at`` is its latest activity, ``next_action_at`` the next
  action of that latest activity (as ``activity_create`` does), ``None`` in the pool;
- ``lead`` customers have no visit; every other status but ``lost`` has one (``visit``
  first, then ``revisit``); deals (subscribed, contracted, owner) have two or more;
- owned leads/visited/lost customers were touched within their site's ``pool_after_days``
  (else the nightly job would release them); pool customers were idle longer, carry no
  owner and no next action, ``pooled_at`` is when the idle limit ran out;
- budgets follow the income band, areas the budget, bedrooms the area.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .customers import ACTIVITY_FIELDS, CUSTOMER_FIELDS, CustomerGenerator
from .org import Names, OrgPlan, SitePlan, SiteStaff, UserPlan, plan_org
from .vocabulary import (
    AGENCY_NAME,
    CITY,
    COMPANY_NAME,
    DEMO_PASSWORD,
    DEMO_PREFIX,
    INTERESTS,
    MOBILE_PREFIXES,
    SHANGHAI,
)


@dataclass
class SeedResult:
    sites: int = 0
    users: int = 0
    customers: int = 0
    activities: int = 0
    by_role: dict[str, int] = field(default_factory=dict)


def seed(*, customers: int, seed: int, today: dt.date | None = None, batch_size: int = 1000) -> SeedResult:
    """Write the demo company and ``customers`` customers through the ORM (bulk_create).

    Existing demo sites and users are reused (matched by code and username); the caller
    checks that there are no customers yet.
    """
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import F, OuterRef, Subquery
    from django.utils import timezone

    from loupan.core.models import AuditEvent
    from loupan.customers.models import Customer, Interest
    from loupan.customers.sources import ensure_default_sources
    from loupan.org.models import Agency, Company, Site, User
    from loupan.sales.models import Activity

    today = today or timezone.localdate()
    plan = plan_org(seed, today=today)
    result = SeedResult()
    with transaction.atomic():
        ensure_default_sources()
        company = Company.objects.order_by("id").first()
        if company is None:
            Company.objects.create(name=plan.company_name)
        elif company.name == "Loupan":
            company.name = plan.company_name
            company.save(update_fields=["name"])
        sites = {}
        for sp in plan.sites:
            sites[sp.code], _ = Site.objects.get_or_create(
                code=sp.code,
                defaults={
                    "name": sp.name,
                    "address": f"{CITY}市{sp.address}",
                    "pool_after_days": sp.pool_after_days,
                },
            )
        agency, _ = Agency.objects.get_or_create(
            name=plan.agency_name,
            defaults={
                "contract_start": plan.agency_contract_start,
                "contact_name": "周经理",
                "contact_phone": "0571-88886666",
            },  # fmt: skip
        )
        password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
        users = {}
        for up in plan.users:
            user, created = User.objects.get_or_create(
                username=up.username,
                defaults={
                    "full_name": up.full_name,
                    "role": up.role,
                    "password": password,
                    "mobile": up.mobile,
                    "agency": agency if up.agent else None,
                    "is_staff": up.role == "admin",
                    "is_superuser": up.role == "admin",
                },  # fmt: skip
            )
            if created and up.site_codes:
                user.sites.set([sites[c] for c in up.site_codes])
            users[up.username] = user
            result.by_role[up.role] = result.by_role.get(up.role, 0) + 1
        staff = []
        for sp in plan.sites:
            ids = [users[u.username].pk for u in plan.users if sp.code in u.site_codes]
            roles = {users[u.username].pk: u.role for u in plan.users}
            staff.append(
                SiteStaff(
                    site_id=sites[sp.code].pk,
                    pool_after_days=sites[sp.code].pool_after_days,
                    sales_ids=tuple(i for i in ids if roles[i] == "sales"),
                    agent_ids=tuple(i for i in ids if roles[i] == "agent"),
                    weight=1.0 + (len(staff) % 3) * 0.3,
                )
            )
        tags = {}
        for name in INTERESTS:
            tags[name], _ = Interest.objects.get_or_create(name=name)

        gen = CustomerGenerator(seed, today=today, sites=staff)
        full_names = {u.pk: u.full_name for u in users.values()}
        through = Customer.interests.through
        first_activity_id = first_event_id = None
        remaining = customers
        while remaining > 0:
            drafts = [gen.customer() for _ in range(min(batch_size, remaining))]
            remaining -= len(drafts)
            objs = Customer.objects.bulk_create(
                [Customer(**{k: d[k] for k in CUSTOMER_FIELDS}) for d in drafts]
            )
            links, acts, events = [], [], []
            for obj, d in zip(objs, drafts, strict=True):
                links.extend(through(customer_id=obj.pk, interest_id=tags[t].pk) for t in d["interests"])
                acts.extend(Activity(customer_id=obj.pk, **a) for a in d["activities"])
                events.append(
                    AuditEvent(
                        actor_id=d["registered_by_id"], action="create", object_type="customer", object_id=obj.pk,
                        changes={"name": [None, d["name"]], "site": [None, d["site_id"]],
                                 "owner": [None, d["registered_by_id"]], "source": [None, d["source_id"]]},
                        actor_name=full_names[d["registered_by_id"]], detail={"seed_demo": True},
                    )
                )  # fmt: skip
            through.objects.bulk_create(links)
            created_acts = Activity.objects.bulk_create(acts)
            if first_activity_id is None and created_acts:
                first_activity_id = created_acts[0].pk
            created_events = AuditEvent.objects.bulk_create(events)
            if first_event_id is None and created_events:
                first_event_id = created_events[0].pk
            result.customers += len(objs)
            result.activities += len(acts)
        # bulk_create stamps auto_now(_add) fields with the current time: put history back.
        Customer.objects.filter(site__in=sites.values()).update(updated_at=F("last_touched_at"))
        if first_activity_id is not None:
            Activity.objects.filter(pk__gte=first_activity_id).update(created_at=F("occurred_at"))
        if first_event_id is not None:
            AuditEvent.objects.filter(pk__gte=first_event_id, detail__seed_demo=True).update(
                at=Subquery(Customer.objects.filter(pk=OuterRef("object_id")).values("created_at")[:1])
            )
        # --- inventory (loupan.inventory.demo): a project per site, buildings, units, prices ---
        from loupan.inventory.demo import seed_inventory

        seed_inventory(list(sites.values()), seed, actor=users[f"{DEMO_PREFIX}admin"], today=today)
        # --- deals (loupan.sales.demo): a share of each project sold, with its money trail ---
        from loupan.sales.demo import seed_deals

        seed_deals(list(sites.values()), seed, today=today, actor=users[f"{DEMO_PREFIX}admin"])
        # --- the reception desk's rotation (接待轮序): every salesperson and agent of the site ---
        from loupan.sales.services import reception_slot_add_all

        for site in sites.values():
            reception_slot_add_all(actor=users[f"{DEMO_PREFIX}admin"], site=site)
    result.sites = len(sites)
    result.users = len(users)
    return result


__all__ = [
    "ACTIVITY_FIELDS", "AGENCY_NAME", "CITY", "COMPANY_NAME", "CUSTOMER_FIELDS", "DEMO_PASSWORD",
    "DEMO_PREFIX", "INTERESTS", "MOBILE_PREFIXES", "SHANGHAI", "CustomerGenerator", "Names", "OrgPlan",
    "SeedResult", "SitePlan", "SiteStaff", "UserPlan", "plan_org", "seed",
]  # fmt: skip
