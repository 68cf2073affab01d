"""Writes of the sales workflow (domain.md "Customer lifecycle and the sales workflow").

认筹 reservation -> 认购 subscription -> 签约 contract -> 回款 payments -> 交房 handover,
plus 退房 cancellation and 换房 change of unit, the follow-ups (activities) that move a
customer on, 来访登记 walk-ins with the 接待轮序 reception rotation, and work log notes.
Each step is one service, in one transaction, that moves the unit (through the
inventory's status door) and the customer's status together with the deal, and writes the
history (``loupan.core.audit``).

Races: a unit row is locked before it moves (``select_for_update``; SQLite's IMMEDIATE
transactions serialise writers) and a partial unique index allows one active subscription
per unit; queue numbers come from a per-project counter row taken under a lock.
Errors: ValidationFailed (400, per field), Conflict (409, stable ``code``), NotAllowed (403).
"""

from ._common import DEFAULT_INSTALLMENTS, DEFAULT_SIGN_DAYS, MAX_INSTALLMENTS
from .activities import activity_create
from .changes import contract_cancel, contract_change_unit, subscription_change_unit
from .contracts import contract_approve, contract_create, contract_schedule_set, schedule_for
from .payments import contract_receivables, handover, paid_total, payment_record
from .reception import (
    reception_duty_set,
    reception_order_set,
    reception_slot_add,
    reception_slot_add_all,
    reception_slot_move,
    reception_slot_remove,
    rotation_take_turn,
)
from .reservations import reservation_create, reservation_refund
from .subscriptions import subscription_cancel, subscription_create
from .visits import has_visited, visit_register
from .worklogs import worklog_note_set

__all__ = [
    "DEFAULT_INSTALLMENTS",
    "DEFAULT_SIGN_DAYS",
    "MAX_INSTALLMENTS",
    "activity_create",
    "contract_approve",
    "contract_cancel",
    "contract_change_unit",
    "contract_create",
    "contract_receivables",
    "contract_schedule_set",
    "handover",
    "has_visited",
    "paid_total",
    "payment_record",
    "reception_duty_set",
    "reception_order_set",
    "reception_slot_add",
    "reception_slot_add_all",
    "reception_slot_move",
    "reception_slot_remove",
    "reservation_create",
    "reservation_refund",
    "rotation_take_turn",
    "schedule_for",
    "subscription_cancel",
    "subscription_change_unit",
    "subscription_create",
    "visit_register",
    "worklog_note_set",
]
