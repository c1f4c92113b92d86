from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    name = "minga.agents"
    label = "agents"
    verbose_name = _("Agents")

    def ready(self) -> None:
        from minga.core import schedule
        from minga.treasury import reconciliation
        from minga.treasury.actions import register_money_holder

        from . import actions, reconcile, ussd
        from .models import Agent

        ussd.register()
        # Cash a member pays in at an agent lands in the agent's float account.
        register_money_holder(lambda account: Agent.objects.filter(account=account).exists())
        # Each day's reconciliation lists agents' shortfalls and missing cash counts.
        reconciliation.register_exception_source(
            "agents", reconciliation.shortfalls_as_exceptions(reconcile.shortfalls)
        )
        # Transactions no member confirmed in time stop promising the agent's cash.
        schedule.register("agents.expire-transactions", actions.expire_due, every=60)
