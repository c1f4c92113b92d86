from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "minga.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from minga.core import schedule

        from . import delivery

        schedule.register("channels.fail-interrupted", delivery.fail_interrupted, every=60)
