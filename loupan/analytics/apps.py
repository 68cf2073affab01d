from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "loupan.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from . import policies, reports  # noqa: F401  (registers the rules and the reports)
