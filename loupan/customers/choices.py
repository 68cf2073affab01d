from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class IncomeBand(models.TextChoices):
    """Annual household income bands (api-v1.md)."""

    UNDER_10W = "<10万", _("under 100k")
    FROM_10W = "10-30万", _("100k-300k")
    FROM_30W = "30-50万", _("300k-500k")
    FROM_50W = "50-100万", _("500k-1M")
    OVER_100W = ">100万", _("over 1M")


class CustomerStatus(models.TextChoices):
    LEAD = "lead", _("Lead")
    VISITED = "visited", _("Visited")
    SUBSCRIBED = "subscribed", _("Subscribed")
    CONTRACTED = "contracted", _("Contracted")
    OWNER = "owner", pgettext_lazy("customer status", "Owner")
    LOST = "lost", _("Lost")


class Purpose(models.TextChoices):
    SELF_USE = "self_use", _("Self use")
    UPGRADE = "upgrade", _("Upgrade")
    INVESTMENT = "investment", _("Investment")
    OTHER = "other", _("Other")


class IntentionLevel(models.TextChoices):
    A = "A", _("A: ready to buy")
    B = "B", _("B: strong interest")
    C = "C", _("C: some interest")
    D = "D", _("D: weak interest")
