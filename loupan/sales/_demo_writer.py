"""The demo deals' rows, collected in memory and written in bulk (see loupan.sales.demo)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, OuterRef, Subquery

from .choices import ContractStatus, SubscriptionStatus, UnitChangeKind
from .models import (
    Cancellation,
    Contract,
    Handover,
    Payment,
    PaymentScheduleItem,
    QueueCounter,
    Reservation,
    Subscription,
    UnitChange,
)

_CENT = Decimal("0.01")
UNIT_STATUS = {"subscribed": "subscribed", "contracted": "contracted", "owner": "handed_over"}


class DealWriter:
    def __init__(self, *, now: dt.datetime) -> None:
        self.now = now
        self.reservations: dict[int, list[Reservation]] = defaultdict(list)
        self.subscriptions: list[Subscription] = []
        self.contracts: list[Contract] = []
        self.schedule: list[PaymentScheduleItem] = []
        self.payments: list[Payment] = []
        self.handovers: list[Handover] = []
        self.cancellations: list[Cancellation] = []
        self.changes: list[UnitChange] = []
        self.unit_status: dict[int, str] = {}
        self.customer_status: dict[int, str] = {}

    # --- collecting -------------------------------------------------------------------------------

    def deal(self, ctx: dict, d: dict) -> None:
        c, unit, manager = d["customer"], d["unit"], ctx["manager"]
        signed = d["stage"] != "subscribed"
        sub = Subscription(
            unit=unit, customer_id=c["pk"], price=d["price"], deposit=d["deposit"], sign_deadline=d["deadline"],
            status=SubscriptionStatus.CONTRACTED if signed else SubscriptionStatus.ACTIVE,
            created_by_id=c["owner_id"], created_at=d["sub_at"],
        )  # fmt: skip
        self.subscriptions.append(sub)
        d["subscription"] = sub
        if signed:
            contract = self._contract(c, unit, sub, d, ContractStatus.ACTIVE)
            for amount, at, channel in d["payments"]:
                self.payments.append(
                    Payment(contract=contract, customer_id=c["pk"], amount=amount, received_at=at, method=channel,
                            recorded_by=manager)
                )  # fmt: skip
            if d.get("handover_at"):
                self.handovers.append(
                    Handover(contract=contract, customer_id=c["pk"], handed_over_at=d["handover_at"], by=manager,
                             notes="钥匙已交付，业主验房完成")
                )  # fmt: skip
        self.unit_status[unit.pk] = UNIT_STATUS[d["stage"]]
        self.customer_status[c["pk"]] = d["stage"]

    def _contract(self, c: dict, unit: Any, sub: Subscription, d: dict, status: str) -> Contract:
        list_price, price = d["list_price"], d["price"]
        discount = ((list_price - price) * 100 / list_price).quantize(_CENT, rounding=ROUND_HALF_UP)
        contract = Contract(
            subscription=sub, unit=unit, customer_id=c["pk"], list_price=list_price, price=price,
            discount_percent=max(discount, Decimal("0.00")), payment_method=d["method"], signed_at=d["signed_at"],
            status=status, created_by_id=c["owner_id"], created_at=d["signed_at"],
        )  # fmt: skip
        self.contracts.append(contract)
        self.schedule.extend(
            PaymentScheduleItem(contract=contract, seq=n, **item)
            for n, item in enumerate(d["schedule"], start=1)
        )
        return contract

    def unit_change(self, ctx: dict, d: dict, old_unit: Any, old_at: dt.datetime) -> None:
        """换房 of a subscription: the old one cancelled when the new one (``d``) was taken."""
        c, manager = d["customer"], ctx["manager"]
        old = Subscription(
            unit=old_unit, customer_id=c["pk"], price=old_unit.total_price, deposit=d["deposit"],
            sign_deadline=old_at.date() + dt.timedelta(days=7), status=SubscriptionStatus.CANCELLED,
            created_by_id=c["owner_id"], created_at=old_at, cancelled_at=d["sub_at"], cancelled_by=manager,
            cancel_reason="换房",
        )  # fmt: skip
        self.subscriptions.append(old)
        self.changes.append(
            UnitChange(kind=UnitChangeKind.SUBSCRIPTION, customer_id=c["pk"], from_unit=old_unit, to_unit=d["unit"],
                       from_subscription=old, to_subscription=d["subscription"], carried_amount=d["deposit"],
                       reason="换房：客户改选楼层", by=manager, at=d["sub_at"])
        )  # fmt: skip

    def cancelled(self, ctx: dict, c: dict, unit: Any, sub_at: dt.datetime, signed_at: dt.datetime | None,
                  cancelled_at: dt.datetime, reason: str) -> None:  # fmt: skip
        """退房: a subscription (and, with ``signed_at``, its contract with a down payment) given up."""
        from .services import schedule_for

        manager, price = ctx["manager"], unit.total_price
        deposit = Decimal(50000)
        sub = Subscription(
            unit=unit, customer_id=c["pk"], price=price, deposit=deposit,
            sign_deadline=sub_at.date() + dt.timedelta(days=7), status=SubscriptionStatus.CANCELLED,
            created_by_id=c["owner_id"], created_at=sub_at, cancelled_at=cancelled_at, cancelled_by=manager,
            cancel_reason=reason,
        )  # fmt: skip
        self.subscriptions.append(sub)
        contract, paid = None, Decimal("0.00")
        if signed_at is not None:
            schedule = schedule_for(method="mortgage", price=price, start=signed_at.date())
            d = {"list_price": price, "price": price, "method": "mortgage", "signed_at": signed_at,
                 "schedule": schedule}  # fmt: skip
            contract = self._contract(c, unit, sub, d, ContractStatus.CANCELLED)
            contract.cancelled_at, contract.cancelled_by, contract.cancel_reason = (
                cancelled_at,
                manager,
                reason,
            )
            paid = schedule[0]["amount"]
            self.payments.append(
                Payment(contract=contract, customer_id=c["pk"], amount=paid, received_at=signed_at,
                        method="transfer", recorded_by=manager)
            )  # fmt: skip
        self.cancellations.append(
            Cancellation(customer_id=c["pk"], unit=unit, subscription=sub, contract=contract, paid_amount=paid,
                         deposit=deposit, reason=reason, by=manager, at=cancelled_at)
        )  # fmt: skip

    def reservation(self, ctx: dict, c: dict, at: dt.datetime, status: str, *, refunded_at: dt.datetime | None = None,
                    subscription: Subscription | None = None) -> Reservation:  # fmt: skip
        res = Reservation(
            project=ctx["project"], customer_id=c["pk"], deposit=Decimal(20000), status=status,
            created_by_id=c["owner_id"], created_at=at, refunded_at=refunded_at,
            refunded_by=ctx["manager"] if refunded_at else None, refund_reason="开盘后未选到心仪房源" if refunded_at else "",
        )  # fmt: skip
        self.reservations[ctx["project"].pk].append(res)
        if subscription is not None:
            subscription.reservation = res
        return res

    # --- writing ------------------------------------------------------------------------------------

    def save(self, *, today: dt.date) -> dict[str, int]:
        from loupan.customers.models import Customer
        from loupan.inventory.models import Unit

        counters = []
        for project_id, rows in self.reservations.items():
            rows.sort(key=lambda r: (r.created_at, r.customer_id))
            for n, row in enumerate(rows, start=1):  # gapless, in the order taken
                row.queue_number = n
            counters.append(QueueCounter(project_id=project_id, last_number=len(rows)))
        reservations = Reservation.objects.bulk_create(
            [r for rows in self.reservations.values() for r in rows]
        )
        QueueCounter.objects.bulk_create(counters)
        self.subscriptions.sort(key=lambda s: s.created_at)
        self.contracts.sort(key=lambda c: c.created_at)
        self.payments.sort(key=lambda p: p.received_at)
        for model, rows in ((Subscription, self.subscriptions), (Contract, self.contracts),
                            (PaymentScheduleItem, self.schedule), (Payment, self.payments), (Handover, self.handovers),
                            (Cancellation, self.cancellations), (UnitChange, self.changes)):  # fmt: skip
            model.objects.bulk_create(rows, batch_size=500)
            assert all(r.pk for r in rows), "the database did not return the new ids"
        Payment.objects.filter(pk__in=[p.pk for p in self.payments]).update(created_at=F("received_at"))
        by_status: dict[str, list[int]] = defaultdict(list)
        for pk, status in self.unit_status.items():
            by_status[status].append(pk)
        for status, pks in by_status.items():
            Unit.objects.filter(pk__in=pks).update(status=status, updated_at=self.now)
        by_status = defaultdict(list)
        for pk, status in self.customer_status.items():
            by_status[status].append(pk)
        for status, pks in by_status.items():
            Customer.objects.filter(pk__in=pks).update(status=status)
        self._audit(reservations)
        return {
            "reservations": len(reservations),
            "subscriptions": len(self.subscriptions),
            "contracts": len(self.contracts),
            "payments": len(self.payments),
            "handovers": len(self.handovers),
            "cancellations": len(self.cancellations),
            "unit_changes": len(self.changes),
        }

    def _audit(self, reservations: list[Reservation]) -> None:
        """History of each deal record's creation (and handovers, cancellations), at its time."""
        from loupan.core.models import AuditEvent
        from loupan.org.models import User

        names = dict(User.objects.values_list("pk", "full_name"))
        events = []

        def add(actor_id: int | None, action: str, obj: Any, **changes: Any) -> None:
            events.append(
                AuditEvent(actor_id=actor_id, actor_name=names.get(actor_id, ""), action=action,
                           object_type=obj._meta.model_name, object_id=obj.pk,
                           changes={k: [None, v] for k, v in changes.items()}, detail={"seed_demo": True})
            )  # fmt: skip

        for r in reservations:
            add(r.created_by_id, "create", r, queue_number=r.queue_number, deposit=str(r.deposit))
        for s in self.subscriptions:
            add(s.created_by_id, "create", s, unit=s.unit_id, price=str(s.price))
        for c in self.contracts:
            add(c.created_by_id, "create", c, price=str(c.price), payment_method=c.payment_method)
        for h in self.handovers:
            add(h.by_id, "handover", h.contract)
        for x in self.cancellations:
            add(x.by_id, "cancel", x.contract or x.subscription)
        first = AuditEvent.objects.bulk_create(events, batch_size=500)[0].pk if events else 0
        # bulk_create stamps ``at`` with the current time: put each event at its record's time.
        mine = AuditEvent.objects.filter(pk__gte=first, detail__seed_demo=True)
        times = {
            ("reservation", "create"): Reservation.objects.filter(pk=OuterRef("object_id")).values(
                "created_at"
            ),
            ("subscription", "create"): Subscription.objects.filter(pk=OuterRef("object_id")).values(
                "created_at"
            ),
            ("contract", "create"): Contract.objects.filter(pk=OuterRef("object_id")).values("signed_at"),
            ("contract", "handover"): Handover.objects.filter(contract_id=OuterRef("object_id")).values(
                "handed_over_at"
            ),
            ("contract", "cancel"): Contract.objects.filter(pk=OuterRef("object_id")).values("cancelled_at"),
            ("subscription", "cancel"): Subscription.objects.filter(pk=OuterRef("object_id")).values(
                "cancelled_at"
            ),
        }
        for (object_type, action), times_of in times.items():
            mine.filter(object_type=object_type, action=action).update(at=Subquery(times_of[:1]))
