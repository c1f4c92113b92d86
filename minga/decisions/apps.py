from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "minga.decisions"
    label = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        from minga.core import schedule

        from . import jobs

        schedule.register("decisions.close-due", jobs.close_due, every=30)
        schedule.register("decisions.notify", jobs.notify, every=60)
