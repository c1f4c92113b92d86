from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "minga.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from minga.audit.subjects import register_subject

        from .subjects import find_event

        register_subject("event", find_event)

        from minga.core import schedule

        from . import jobs

        schedule.register("events.notify", jobs.notify, every=60)
