from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Pending visit")
    CONFIRMED = "confirmed", _("Visit confirmed")
    EXPIRED = "expired", _("Expired")
    REJECTED = "rejected", _("Rejected")


class ContractStatus(models.TextChoices):
    """An agency contract's state: one live contract per agency at a time."""

    ACTIVE = "active", _("Active")
    RENEWED = "renewed", _("Renewed")
    ENDED = "ended", _("Ended")


class LineKind(models.TextChoices):
    EARNED = "earned", _("Earned")
    REVERSED = "reversed", _("Reversed")


class RewardStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    CANCELLED = "cancelled", _("Cancelled")


IN_HOUSE = "in_house"
