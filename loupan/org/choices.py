from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COMPANY_MANAGER = "company_manager", _("Company sales manager")
    SITE_MANAGER = "site_manager", _("Site manager")
    SALES = "sales", _("Salesperson")
    AGENT = "agent", _("Agency agent")


MANAGER_ROLES = {Role.ADMIN, Role.COMPANY_MANAGER, Role.SITE_MANAGER}
FRONTLINE_ROLES = {Role.SALES, Role.AGENT}
