"""Sales models: follow-ups (activities) and the deal workflow (deals)."""

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

__all__ = [
    "Activity",
    "ActivityQuerySet",
    "Cancellation",
    "Contract",
    "Handover",
    "Payment",
    "PaymentScheduleItem",
    "QueueCounter",
    "Reservation",
    "Subscription",
    "UnitChange",
]
