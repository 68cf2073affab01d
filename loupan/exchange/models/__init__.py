from .imports import ImportJob, ImportMapping, LegacyRecord
from .integration import (
    DeliveryAttempt,
    IntegrationSystem,
    OutboxEvent,
    SystemToken,
    Webhook,
    WebhookDelivery,
)

__all__ = [
    "DeliveryAttempt",
    "ImportJob",
    "ImportMapping",
    "IntegrationSystem",
    "LegacyRecord",
    "OutboxEvent",
    "SystemToken",
    "Webhook",
    "WebhookDelivery",
]
