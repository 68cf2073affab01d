from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loupan.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import scheduler, signals  # noqa: F401

        scheduler.start_if_serving()
