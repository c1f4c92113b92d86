from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    name = "minga.agents"
    label = "agents"
    verbose_name = _("Agents")

    def ready(self) -> None:
        from . import ussd

        ussd.register()
