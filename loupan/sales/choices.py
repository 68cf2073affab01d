from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    REVISIT = "revisit", _("Revisit")
    MESSAGE = "message", pgettext_lazy("follow-up", "Message")
    EMAIL = "email", _("E-mail")
    NOTE = "note", _("Note")


VISIT_KINDS = {ActivityKind.VISIT, ActivityKind.REVISIT}


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("deal status", "Active")
    CONVERTED = "converted", _("Converted")
    REFUNDED = "refunded", _("Refunded")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("deal status", "Active")
    CONTRACTED = "contracted", _("Contracted")
    CANCELLED = "cancelled", _("Cancelled")


class ContractStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    ACTIVE = "active", pgettext_lazy("deal status", "Active")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentMethod(models.TextChoices):
    """How a contract is paid (付款方式)."""

    FULL = "full", _("Full payment")
    MORTGAGE = "mortgage", _("Mortgage")
    INSTALLMENT = "installment", _("Installments")


class ScheduleKind(models.TextChoices):
    FULL = "full", _("Full payment")
    DOWN_PAYMENT = "down_payment", _("Down payment")
    MORTGAGE = "mortgage", _("Mortgage loan")
    INSTALLMENT = "installment", _("Installment")


class PaymentChannel(models.TextChoices):
    """How money was received (回款方式). ``carried_over`` moves money to a new contract on 换房."""

    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    MORTGAGE_LOAN = "mortgage_loan", _("Mortgage loan")
    OTHER = "other", _("Other")
    CARRIED_OVER = "carried_over", _("Carried over from a previous contract")


class UnitChangeKind(models.TextChoices):
    SUBSCRIPTION = "subscription", _("Subscription")
    CONTRACT = "contract", _("Contract")


class VisitKind(models.TextChoices):
    """First visit (首访) or a return (复访); the visit's follow-up has the same kind."""

    VISIT = "visit", _("First visit")
    REVISIT = "revisit", _("Revisit")


class VisitAssignment(models.TextChoices):
    """Why this salesperson received the visitor."""

    ROTATION = "rotation", _("Reception rotation")
    OWNER = "owner", _("Customer's owner")
