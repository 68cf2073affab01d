from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    REVISIT = "revisit", _("Revisit")
    MESSAGE = "message", _("Message")
    EMAIL = "email", _("E-mail")
    NOTE = "note", _("Note")


VISIT_KINDS = {ActivityKind.VISIT, ActivityKind.REVISIT}
