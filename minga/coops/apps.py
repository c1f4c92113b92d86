from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoopsConfig(AppConfig):
    name = "minga.coops"
    label = "coops"
    verbose_name = _("Cooperatives")

    def ready(self) -> None:
        from minga.audit import registry

        from .queries import member_coop_ids

        # Members open their cooperatives' private values in the log (see audit.registry).
        registry.register_member_coops(member_coop_ids)
