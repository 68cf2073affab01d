"""Demo deals: each demo project has sold a realistic share of its units.

Deterministic like the rest of the demo (``loupan.core.demo``): the same seed and
``today`` give the same deals. Called by ``seed_demo`` after the inventory demo, it
writes with bulk inserts (the deal services would take a minute for the same rows)
and keeps every invariant the services keep:

- a unit is ``subscribed`` with exactly one active subscription, ``contracted`` with one
  active contract, ``handed_over`` with a handover of a contract paid in full; other
  units have no live deal (a few carry cancelled deals: 退房, 换房);
- a customer's status is the furthest step of their live deals (``owner`` >
  ``contracted`` > ``subscribed``); customers whose deal was cancelled stay ``visited``;
- reservation queue numbers run 1..n per project without gaps, in the order taken,
  and the project's counter stands at n;
- schedules add up to the contract price, payments never exceed it, nothing happens
  after now, every deal starts after its customer was registered and its project launched.

Projects launched 11, 8, 5 and 2.5 months ago (by site order) have sold about 58%, 50%,
43% and 36% of their units, capped by the buyers a site has: its customers the core
demo put in a deal status, then at most half of its visited customers. Payment methods
mix mortgage, full payment and installments; some contracts have overdue receivables,
some subscriptions are past their deadline to sign, a few deals were cancelled, one per
project changed its unit, and reservations were taken before each launch.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from loupan.core.demo import SHANGHAI

LAUNCH_DAYS_AGO = (330, 240, 150, 75)
SOLD_SHARE = (0.58, 0.50, 0.43, 0.36)
OWNER_SHARE = (0.45, 0.30, 0.15, 0.05)  # of the extra buyers: handed over; the rest contracted
PROMOTE_LIMIT = 0.5  # of a site's visited customers, at most this share become buyers
METHODS = (["mortgage"] * 12) + (["full"] * 5) + (["installment"] * 3)
DISCOUNTS = [Decimal(x) for x in ("0", "0", "0.5", "1", "1.5", "2")]  # within the site's 2% limit
SIGN_DAYS = 7
OVERDUE_SUBSCRIPTIONS = 0.15
OVERDUE_RECEIVABLES = 0.12
DEAL_STATUSES = ("subscribed", "contracted", "owner")
CANCEL_REASONS = ["客户资金安排变化", "家庭意见不统一", "客户购买了其他楼盘", "贷款审批未通过"]
_YUAN = Decimal(1)
_CENT = Decimal("0.01")


class _Clock:
    """Local times on given days, never before a customer's registration nor after now."""

    def __init__(self, rng: random.Random, today: dt.date, now: dt.datetime) -> None:
        self.rng, self.today, self.now = rng, today, now

    def at(self, day: dt.date, floor: dt.datetime | None = None) -> dt.datetime:
        minute = 9 * 60 + 30 + int(self.rng.random() * 8 * 60)
        value = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=SHANGHAI)
        if floor is not None and value <= floor:
            value = floor + dt.timedelta(minutes=5 + int(self.rng.random() * 55))
        return min(value, self.now - dt.timedelta(minutes=1))

    def day_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=int(self.rng.random() * ((hi - lo).days + 1))) if hi > lo else lo


def _money(value: Decimal) -> Decimal:
    return value.quantize(_YUAN, rounding=ROUND_HALF_UP).quantize(_CENT)


def seed_deals(sites: list[Any], seed: int, *, today: dt.date, actor: Any) -> dict[str, int]:
    """Deals for the demo ``sites`` (each linked to its project); returns counts.

    Runs inside the caller's transaction; does nothing for a project that has deals.
    """
    from django.utils import timezone

    from loupan.customers.models import Customer
    from loupan.org.models import User
    from loupan.sales.models import Subscription

    from ._demo_writer import DealWriter

    rng = random.Random(f"deals-{seed}")
    now = timezone.now()
    clock = _Clock(rng, today, now)
    writer = DealWriter(now=now)
    for index, site in enumerate(sorted(sites, key=lambda s: s.pk)):
        project = site.project
        if project is None or Subscription.objects.filter(unit__project=project).exists():
            continue
        manager = User.objects.filter(role="site_manager", sites=site).order_by("pk").first() or actor
        units = list(project.units.filter(status="available").order_by("pk"))
        total = project.units.count()
        rng.shuffle(units)
        launch = today - dt.timedelta(days=LAUNCH_DAYS_AGO[index % len(LAUNCH_DAYS_AGO)])
        customers = list(
            Customer.objects.filter(site=site, in_pool=False, owner__isnull=False)
            .order_by("pk")
            .values("pk", "status", "owner_id", "created_at")
        )
        core = [c for c in customers if c["status"] in DEAL_STATUSES]
        visited = [c for c in customers if c["status"] == "visited"]
        rng.shuffle(visited)
        target = round(total * SOLD_SHARE[index % len(SOLD_SHARE)])
        n_extra = max(0, min(target - len(core), int(len(visited) * PROMOTE_LIMIT)))
        extra, bystanders = visited[:n_extra], visited[n_extra:]
        owner_share = OWNER_SHARE[index % len(OWNER_SHARE)]
        ctx = {"project": project, "launch": launch, "manager": manager, "writer": writer, "clock": clock,
               "rng": rng, "today": today}  # fmt: skip
        deals = []
        for c in core + extra:
            if not units:
                break
            wanted = c["status"] if c in core else ("owner" if rng.random() < owner_share else "contracted")
            deals.append(_deal(ctx, c, units.pop(), wanted))
        _unit_change(ctx, deals, units)
        _cancellations(ctx, bystanders, units, n_plain=rng.randint(1, 3), with_contract=index < 3)
        _reservations(ctx, deals, bystanders[6:], active=index == len(sites) - 1)
    return writer.save(today=today)


def _start(ctx: dict, customer: dict) -> dt.date:
    """The first day a customer could deal: after registering and the project's launch."""
    created = customer["created_at"].astimezone(SHANGHAI).date() + dt.timedelta(days=1)
    return max(ctx["launch"], min(created, ctx["today"]))


def _deal(ctx: dict, customer: dict, unit: Any, wanted: str) -> dict:
    """One customer's deal on ``unit``, as far as ``wanted`` goes (less when there was no time)."""
    rng, clock, today = ctx["rng"], ctx["clock"], ctx["today"]
    start = _start(ctx, customer)
    span = (today - start).days
    method = rng.choice(METHODS)
    need = {"full": 6, "mortgage": 42, "installment": 72}
    stage = wanted
    if stage == "owner" and span < need[method]:
        method = "full" if span >= need["full"] else method
        stage = "owner" if span >= need["full"] else "contracted"
    if stage == "contracted" and span < 3:
        stage = "subscribed"
    list_price = unit.total_price
    price = _money(list_price * (1 - rng.choice(DISCOUNTS) / 100)) if stage != "subscribed" else list_price
    deposit = min(price, Decimal(rng.choice((50000, 50000, 100000))))
    floor = customer["created_at"]
    deal = {"customer": customer, "unit": unit, "stage": stage, "price": price, "list_price": list_price,
            "deposit": deposit, "method": method, "overdue": False}  # fmt: skip
    if stage == "subscribed":
        if span >= 10 and rng.random() < OVERDUE_SUBSCRIPTIONS:
            day = today - dt.timedelta(days=rng.randint(SIGN_DAYS + 2, min(span, 21)))
        else:
            day = max(start, today - dt.timedelta(days=rng.randint(0, SIGN_DAYS - 1)))
        deal["sub_at"] = clock.at(day, floor)
        deal["deadline"] = day + dt.timedelta(days=SIGN_DAYS)
        ctx["writer"].deal(ctx, deal)
        return deal
    reserve = need[method] if stage == "owner" else 3
    sub_day = clock.day_between(start, today - dt.timedelta(days=reserve))
    sign_day = min(today, sub_day + dt.timedelta(days=rng.randint(1, 5)))
    deal["sub_at"] = clock.at(sub_day, floor)
    deal["deadline"] = sub_day + dt.timedelta(days=SIGN_DAYS)
    deal["signed_at"] = clock.at(sign_day, deal["sub_at"])
    months = 3 if method == "installment" else None
    deal["installments"] = months
    from loupan.sales.services import schedule_for

    kwargs = {"installments": months} if months else {}
    deal["schedule"] = schedule_for(method=method, price=price, start=sign_day, **kwargs)
    due = [i for i in deal["schedule"] if i["due_date"] < today]
    overdue = stage == "contracted" and due and rng.random() < OVERDUE_RECEIVABLES
    deal["overdue"] = bool(overdue)
    payments, last = [], deal["signed_at"]
    for item in due[:-1] if overdue else due:
        paid_day = min(today - dt.timedelta(days=1), item["due_date"] + dt.timedelta(days=rng.randint(0, 3)))
        last = clock.at(max(paid_day, item["due_date"]), last)
        channel = {"mortgage": "mortgage_loan", "full": rng.choice(("transfer", "card"))}.get(
            item["kind"], "transfer"
        )
        payments.append((item["amount"], last, channel))
    deal["payments"] = payments
    if stage == "owner":
        if sum(p[0] for p in payments) != price:
            deal["stage"] = "contracted"
        else:
            day = clock.day_between(min(today, last.date() + dt.timedelta(days=3)), today)
            deal["handover_at"] = clock.at(day, last)
    ctx["writer"].deal(ctx, deal)
    return deal


def _unit_change(ctx: dict, deals: list[dict], units: list) -> None:
    """换房: one buyer first took another unit (now back on sale) and moved to this one."""
    for deal in deals:
        start = _start(ctx, deal["customer"])
        if (
            deal["stage"] in ("subscribed", "contracted")
            and (deal["sub_at"].date() - start).days >= 5
            and units
        ):
            old_day = ctx["clock"].day_between(start, deal["sub_at"].date() - dt.timedelta(days=3))
            old_at = ctx["clock"].at(old_day, deal["customer"]["created_at"])
            ctx["writer"].unit_change(ctx, deal, units.pop(), old_at)
            return


def _cancellations(ctx: dict, people: list[dict], units: list, *, n_plain: int, with_contract: bool) -> None:
    """退房: a few subscriptions given up, and (older projects) one signed contract, on units back on sale."""
    rng, clock, today = ctx["rng"], ctx["clock"], ctx["today"]
    wanted = [False] * n_plain + ([True] if with_contract else [])
    for customer in people[:6]:
        if not wanted or not units:
            return
        start = _start(ctx, customer)
        contract = wanted[-1]
        if (today - start).days < (50 if contract else 16):
            continue
        wanted.pop()
        unit = units.pop()
        day = clock.day_between(start, today - dt.timedelta(days=45 if contract else 14))
        sub_at = clock.at(day, customer["created_at"])
        signed_at = clock.at(day + dt.timedelta(days=2), sub_at) if contract else None
        cancel_day = day + dt.timedelta(days=rng.randint(25, 40) if contract else rng.randint(3, 10))
        cancelled_at = clock.at(cancel_day, signed_at or sub_at)
        ctx["writer"].cancelled(
            ctx, customer, unit, sub_at, signed_at, cancelled_at, rng.choice(CANCEL_REASONS)
        )


def _reservations(ctx: dict, deals: list[dict], people: list[dict], *, active: bool) -> None:
    """认筹 before the launch for early buyers (converted), a few refunds, and (the newest
    project, for its next batch) active reservations."""
    rng, clock, launch, today = ctx["rng"], ctx["clock"], ctx["launch"], ctx["today"]
    writer = ctx["writer"]
    for deal in deals:
        created = deal["customer"]["created_at"].astimezone(SHANGHAI).date()
        if deal["sub_at"].date() <= launch + dt.timedelta(days=45) and created < launch - dt.timedelta(
            days=4
        ):
            day = clock.day_between(max(created + dt.timedelta(days=1), launch - dt.timedelta(days=30)),
                                    launch - dt.timedelta(days=2))  # fmt: skip
            at = clock.at(day, deal["customer"]["created_at"])
            writer.reservation(ctx, deal["customer"], at, "converted", subscription=deal["subscription"])
    for i, customer in enumerate(people[: rng.randint(2, 3) + (12 if active else 0)]):
        start = _start(ctx, customer)
        if i < 3:  # refunded after the launch
            created = customer["created_at"].astimezone(SHANGHAI).date()
            if created >= launch - dt.timedelta(days=3) or launch + dt.timedelta(days=10) > today:
                continue
            at = clock.at(launch - dt.timedelta(days=rng.randint(2, 10)), customer["created_at"])
            refund = clock.at(launch + dt.timedelta(days=rng.randint(3, 10)), at)
            writer.reservation(ctx, customer, at, "refunded", refunded_at=refund)
        elif start < today:
            at = clock.at(
                clock.day_between(max(start, today - dt.timedelta(days=30)), today), customer["created_at"]
            )
            writer.reservation(ctx, customer, at, "active")
