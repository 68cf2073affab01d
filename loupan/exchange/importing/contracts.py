"""Importing signed contracts with the money received, from the old sales system.

Each row names a customer and a unit by their legacy ids (imported before, from the same
source). A contract comes in as the deal workflow leaves one: a fulfilled subscription,
the active contract, one payment of what was paid so far (method ``other``, on the signing
date) and, when handed over, the handover; the unit becomes contracted or handed over and
the customer contracted or owner (never moved back). A unit takes one live contract.
A changed row updates price, method and signing date with history, and a higher paid
amount adds a payment of the difference.

A contract the old system marks as given up (合同状态 退房/作废) comes in cancelled, as
``contract_cancel`` leaves one: subscription and contract cancelled on the 退房日期 (the
signing date when the file has none), the money paid kept on it and written down in a
cancellation; its unit and customer are not moved, and the unit may be sold again by a
later row. A live contract that a later file shows cancelled is cancelled through the
deal workflow (the unit goes back on sale); a cancelled one cannot come back to life.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import snapshot
from loupan.core.errors import DomainError
from loupan.customers.models import Customer
from loupan.inventory.models import Unit
from loupan.sales.models import Cancellation, Contract, Handover, Payment, Subscription
from loupan.sales.services import contract_cancel

from . import values as v
from .engine import Importer, Row
from .fastinsert import audit_rows
from .legacy import LegacyLinks

METHODS = {"全款": "full", "一次性": "full", "一次性付款": "full", "按揭": "mortgage", "贷款": "mortgage",
           "分期": "installment", "分期付款": "installment"}  # fmt: skip
CONTRACT_AUDITED = ["unit", "customer", "price", "payment_method", "signed_at", "status"]
LIVE, CANCELLED = "active", "cancelled"
STATUSES = {"": LIVE, "有效": LIVE, "正常": LIVE, "签约": LIVE, "已签约": LIVE, "执行中": LIVE, "active": LIVE,
            "退房": CANCELLED, "已退房": CANCELLED, "作废": CANCELLED, "已作废": CANCELLED, "撤销": CANCELLED,
            "已撤销": CANCELLED, "cancelled": CANCELLED}  # fmt: skip
IMPORTED_CANCEL_REASON = "旧系统退房"
_RANK = {"lead": 0, "visited": 1, "lost": 1, "subscribed": 2, "contracted": 3, "owner": 4}


class ContractImporter(Importer):
    kind = "contracts"

    def prepare(self) -> None:
        self.links = LegacyLinks(self.job, self.kind)
        self.customer_links = LegacyLinks(self.job, "customers")
        self.unit_links = LegacyLinks(self.job, "units")

    def _clean(self, row: Row, customers: dict, units: dict) -> dict[str, Any] | None:
        customer = customers.get(v.text(row.values["customer"]))
        unit = units.get(v.text(row.values["unit"]))
        if customer is None:
            self.error(row, "customer", _("No customer with this legacy ID was imported from this source."))
        if unit is None:
            self.error(row, "unit", _("No unit with this legacy ID was imported from this source."))
        raw_method = v.text(row.values.get("payment_method")) or "full"
        method = METHODS.get(raw_method, raw_method.lower())
        if method not in ("full", "mortgage", "installment"):
            self.error(row, "payment_method", _("Use 全款, 按揭 or 分期 (full, mortgage or installment)."))
        price, paid = row.values["price"], row.values.get("paid") or Decimal("0")
        if price is not None and price <= 0:
            self.error(row, "price", _("Must be greater than zero."))
        elif price is not None and paid > price:
            self.error(row, "paid", _("More than the contract price."))
        signed, handed = row.values["signed_at"], row.values.get("handed_over_at")
        if signed and signed > timezone.now():
            self.error(row, "signed_at", _("A contract cannot be signed in the future."))
        if handed and price is not None and paid < price:
            self.error(row, "handed_over_at", _("Handed over but not paid in full."))
        status, cancelled = self._status(row, signed, handed)
        if not row.ok:
            return None
        return {"customer": customer, "unit": unit, "price": price, "paid": paid, "method": method,
                "signed_at": signed, "handed_over_at": handed, "status": status, "cancelled_at": cancelled}  # fmt: skip

    def _status(self, row: Row, signed: Any, handed: Any) -> tuple[str, Any]:
        """The contract's status in the old system and, when cancelled, since when."""
        raw = v.text(row.values.get("status"))
        status = STATUSES.get(raw, STATUSES.get(raw.lower()))
        if status is None:
            self.error(row, "status", _("Use 有效 for a live contract or 退房/作废 for a cancelled one."))
            return LIVE, None
        cancelled = row.values.get("cancelled_at")
        if status == LIVE:
            if cancelled:
                self.error(row, "cancelled_at", _("A live contract has no cancellation date."))
            return status, None
        if handed:
            self.error(row, "handed_over_at", _("A cancelled contract cannot have been handed over."))
        cancelled = cancelled or signed
        if cancelled and signed and cancelled < signed:
            self.error(row, "cancelled_at", _("Cancelled before it was signed."))
        elif cancelled and cancelled > timezone.now():
            self.error(row, "cancelled_at", _("A cancellation cannot be in the future."))
        return status, cancelled

    def handle(self, rows: list[Row]) -> None:
        ok = [r for r in rows if r.ok]
        customer_links = self.customer_links.fetch([r.values["customer"] for r in ok])
        unit_links = self.unit_links.fetch([r.values["unit"] for r in ok])
        customers = Customer.objects.in_bulk([link.object_id for link in customer_links.values()])
        units = Unit.objects.in_bulk([link.object_id for link in unit_links.values()])
        by_customer = {lid: customers.get(link.object_id) for lid, link in customer_links.items()}
        by_unit = {lid: units.get(link.object_id) for lid, link in unit_links.items()}
        candidates = [(r, d) for r in ok if (d := self._clean(r, by_customer, by_unit))]
        links = self.links.fetch([r.values["legacy_id"] for r, _d in candidates])
        # contracts this file cancels free their units for the sales after them in the file
        going = {links[lid].object_id for r, d in candidates
                 if d["status"] == CANCELLED and (lid := v.text(r.values["legacy_id"])) in links}  # fmt: skip
        live = dict(
            Contract.objects.filter(unit_id__in=[d["unit"].pk for _r, d in candidates])
            .exclude(status="cancelled")
            .exclude(pk__in=going)
            .values_list("unit_id", "pk")
        )
        creates, updates, seen_unit, seen_lid = [], [], {}, {}
        for row, data in candidates:
            lid = v.text(row.values["legacy_id"])
            link = links.get(lid)
            first = seen_lid.get(lid) or (link.row if link and link.job_id == self.job.pk else None)
            if first:
                self.error(row, "legacy_id", _("The same legacy ID as row %(row)d.") % {"row": first})
                continue
            seen_lid[lid] = row.number
            unit_id = data["unit"].pk
            other = live.get(unit_id)
            if data["status"] == LIVE:
                if unit_id in seen_unit or (other and (link is None or other != link.object_id)):
                    self.error(row, "unit", _("This unit already has a live contract."))
                    continue
                seen_unit[unit_id] = row.number
            if link is None:
                creates.append((row, data))
            elif link.row_hash == row.hash:
                self.links.touch(link, row)
                self.outcome.unchanged += 1
            else:
                updates.append((row, data, link))
        self._update(updates)  # first: a cancellation frees a unit that a new row may sell
        self._create(creates)
        self.links.flush()

    def _create(self, creates: list[tuple[Row, dict[str, Any]]]) -> None:
        if not creates:
            return
        actor = self.actor
        subs = Subscription.objects.bulk_create([
            Subscription(unit=d["unit"], customer=d["customer"], price=d["price"], sign_deadline=d["signed_at"].date(),
                         status="contracted" if d["status"] == LIVE else "cancelled", created_by=actor,
                         created_at=d["signed_at"], **self._cancelled_fields(d))
            for _r, d in creates
        ])  # fmt: skip
        contracts = Contract.objects.bulk_create([
            Contract(subscription=s, unit=d["unit"], customer=d["customer"], list_price=d["unit"].total_price or d["price"],
                     price=d["price"], payment_method=d["method"], signed_at=d["signed_at"], status=d["status"],
                     created_by=actor, created_at=d["signed_at"], **self._cancelled_fields(d))
            for s, (_r, d) in zip(subs, creates, strict=True)
        ])  # fmt: skip
        Payment.objects.bulk_create([
            Payment(contract=c, customer=d["customer"], amount=d["paid"], received_at=d["signed_at"], method="other",
                    recorded_by=actor)
            for c, (_r, d) in zip(contracts, creates, strict=True) if d["paid"] > 0
        ])  # fmt: skip
        Handover.objects.bulk_create([
            Handover(contract=c, customer=d["customer"], handed_over_at=d["handed_over_at"], by=actor)
            for c, (_r, d) in zip(contracts, creates, strict=True) if d["handed_over_at"]
        ])  # fmt: skip
        Cancellation.objects.bulk_create([
            Cancellation(customer=d["customer"], unit=d["unit"], subscription=c.subscription, contract=c,
                         paid_amount=d["paid"], reason=IMPORTED_CANCEL_REASON, by=actor, at=d["cancelled_at"])
            for c, (_r, d) in zip(contracts, creates, strict=True) if d["status"] == CANCELLED
        ])  # fmt: skip
        self._move_units_and_customers([(r, d) for r, d in creates if d["status"] == LIVE])
        self.links.add([(r, c.pk) for c, (r, _d) in zip(contracts, creates, strict=True)])
        audit_rows(actor=actor, action="create", object_type="contract",
                   changes_by_id={c.pk: {k: [None, x] for k, x in snapshot(c, CONTRACT_AUDITED).items()} for c in contracts})  # fmt: skip
        self.outcome.created += len(contracts)

    def _cancelled_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["status"] != CANCELLED:
            return {}
        return {
            "cancelled_at": data["cancelled_at"],
            "cancelled_by": self.actor,
            "cancel_reason": IMPORTED_CANCEL_REASON,
        }

    def _move_units_and_customers(self, creates: list[tuple[Row, dict[str, Any]]]) -> None:
        unit_changes, customer_changes = {}, {}
        # the statuses as they are now: a cancellation earlier in this import may have moved them
        units = Unit.objects.in_bulk([d["unit"].pk for _r, d in creates])
        customers = Customer.objects.in_bulk([d["customer"].pk for _r, d in creates])
        for _r, d in creates:
            unit, customer = units[d["unit"].pk], customers[d["customer"].pk]
            to = "handed_over" if d["handed_over_at"] else "contracted"
            if unit.status != to:
                unit_changes[unit.pk] = {"status": [unit.status, to]}
                unit.status = to
            wanted = "owner" if d["handed_over_at"] else "contracted"
            if _RANK.get(customer.status, 0) < _RANK[wanted]:
                customer_changes[customer.pk] = {"status": [customer.status, wanted]}
                customer.status = wanted
        now = timezone.now()
        for status in ("contracted", "handed_over"):
            ids = [pk for pk, c in unit_changes.items() if c["status"][1] == status]
            Unit.objects.filter(pk__in=ids).update(
                status=status, held_by=None, held_at=None, hold_reason="", updated_at=now
            )
        for status in ("contracted", "owner"):
            ids = [pk for pk, c in customer_changes.items() if c["status"][1] == status]
            Customer.objects.filter(pk__in=ids).update(status=status, updated_at=now)
        audit_rows(actor=self.actor, action="status", object_type="unit", changes_by_id=unit_changes)
        audit_rows(actor=self.actor, action="status", object_type="customer", changes_by_id=customer_changes)

    def _update(self, updates: list[tuple[Row, dict[str, Any], Any]]) -> None:
        if not updates:
            return
        current = Contract.objects.in_bulk([link.object_id for _r, _d, link in updates])
        changes_by_id = {}
        for row, data, link in updates:
            contract = current[link.object_id]
            if contract.status == CANCELLED and data["status"] == LIVE:
                self.error(
                    row,
                    "status",
                    _("This contract is cancelled; a new sale of the unit needs its own contract number."),
                )
                continue
            before = snapshot(contract, CONTRACT_AUDITED)
            contract.price, contract.payment_method, contract.signed_at = (
                data["price"],
                data["method"],
                data["signed_at"],
            )
            paid = sum(contract.payments.values_list("amount", flat=True), Decimal("0"))
            if data["paid"] < paid:
                self.error(
                    row, "paid", _("Less than the payments already recorded (%(paid)s).") % {"paid": paid}
                )
                continue
            if data["paid"] > paid:
                Payment.objects.create(contract=contract, customer_id=contract.customer_id, amount=data["paid"] - paid,
                                       received_at=timezone.now(), method="other", recorded_by=self.actor)  # fmt: skip
            contract.save(update_fields=["price", "payment_method", "signed_at"])
            if data["status"] == CANCELLED and contract.status != CANCELLED:
                try:
                    contract_cancel(actor=self.actor, contract=contract, reason=IMPORTED_CANCEL_REASON)
                except DomainError as exc:
                    self.error(row, "status", exc.detail or str(exc))
                    continue
                contract.refresh_from_db()
            diff = {
                k: [before[k], x] for k, x in snapshot(contract, CONTRACT_AUDITED).items() if before[k] != x
            }
            if data["paid"] != paid:
                diff["paid"] = [str(paid), str(data["paid"])]
            self.links.touch(link, row)
            if diff:
                changes_by_id[contract.pk] = diff
            else:
                self.outcome.unchanged += 1
        audit_rows(
            actor=self.actor, action="import_update", object_type="contract", changes_by_id=changes_by_id
        )
        self.outcome.updated += len(changes_by_id)
