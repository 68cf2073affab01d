from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    PROJECTS = "projects", _("Projects")
    UNITS = "units", _("Buildings and units")
    CONTRACTS = "contracts", _("Contracts and payments")
    MEMBERS = "members", _("Club members")


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting the column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    REJECTED = "rejected", _("Rejected: errors in the file")
    FAILED = "failed", _("Failed")


FINISHED_STATUSES = {ImportStatus.SUCCEEDED, ImportStatus.REJECTED, ImportStatus.FAILED}
# A commit in these states blocks another commit of the same dry run (failed and rejected
# ones wrote nothing).
LIVE_COMMIT_STATUSES = [ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.SUCCEEDED]


class TokenScope(models.TextChoices):
    CUSTOMERS_READ = "customers:read", _("Read customers and follow-ups")
    CUSTOMERS_WRITE = "customers:write", _("Create and edit customers")
    DEALS_READ = "deals:read", _("Read reservations, subscriptions, contracts and payments")
    PAYMENTS_WRITE = "payments:write", _("Record payments")
    INVENTORY_READ = "inventory:read", _("Read projects, buildings and units")
    IMPORTS_WRITE = "imports:write", _("Run imports")


class WebhookEvent(models.TextChoices):
    CUSTOMER_CREATED = "customer.created", _("Customer created")
    CUSTOMER_UPDATED = "customer.updated", _("Customer updated")
    SUBSCRIPTION_CREATED = "subscription.created", _("Subscription created")
    CONTRACT_SIGNED = "contract.signed", _("Contract signed")
    CONTRACT_CANCELLED = "contract.cancelled", _("Contract cancelled")
    PAYMENT_RECEIVED = "payment.received", _("Payment received")
    UNIT_STATUS_CHANGED = "unit.status_changed", _("Unit status changed")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("webhook delivery", "Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
