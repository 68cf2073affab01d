"""Sales models: follow-ups (activities), walk-ins (visits), work log notes and the deal workflow."""

from .activities import Activity, ActivityQuerySet
from .deals import (
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
from .visits import ReceptionQueue, ReceptionSlot, Visit, VisitQuerySet
from .worklogs import WorkLogNote

__all__ = [
    "Activity",
    "ActivityQuerySet",
    "Cancellation",
    "Contract",
    "Handover",
    "Payment",
    "PaymentScheduleItem",
    "QueueCounter",
    "ReceptionQueue",
    "ReceptionSlot",
    "Reservation",
    "Subscription",
    "UnitChange",
    "Visit",
    "VisitQuerySet",
    "WorkLogNote",
]
