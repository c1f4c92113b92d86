from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minga.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import health, schedule, worker

        health.register("worker", worker.heartbeat)
        schedule.register("core.requeue-abandoned", worker.requeue_abandoned, every=60)
