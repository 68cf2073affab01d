from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "loupan.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")

    def ready(self) -> None:
        from loupan.core import events

        from . import outbox, policies, schema  # noqa: F401  (policies and schema register themselves)

        events.subscribe(outbox.record_event)
