from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    name = "minga.agents"
    label = "agents"
    verbose_name = _("Agents")

    def ready(self) -> None:
        from minga.core import schedule

        from . import actions, ussd

        ussd.register()
        # Transactions no member confirmed in time stop promising the agent's cash.
        schedule.register("agents.expire-transactions", actions.expire_due, every=60)
