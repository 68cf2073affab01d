from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    HELD = "held", _("Held")
    SUBSCRIBED = "subscribed", _("Subscribed")
    CONTRACTED = "contracted", _("Contracted")
    HANDED_OVER = "handed_over", _("Handed over")


SOLD_STATUSES = {UnitStatus.SUBSCRIBED, UnitStatus.CONTRACTED, UnitStatus.HANDED_OVER}
