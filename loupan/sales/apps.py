from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "loupan.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from . import policies, visit_policies  # noqa: F401
