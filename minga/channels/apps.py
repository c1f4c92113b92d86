from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "minga.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from minga.core import schedule

        from . import delivery
        from .payments import inbox

        schedule.register("channels.fail-interrupted", delivery.fail_interrupted, every=60)
        schedule.register("channels.payments-query-due", inbox.query_due, every=30)
