from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "loupan.channels"
    label = "channels"
    verbose_name = _("Agencies and channels")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the action rules)
