from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoopsConfig(AppConfig):
    name = "minga.coops"
    label = "coops"
    verbose_name = _("Cooperatives")

    def ready(self) -> None:
        from minga.audit import registry
        from minga.audit.subjects import register_subject

        from .queries import member_coop_ids
        from .subjects import find_coop

        register_subject("coop", find_coop)
        # Members open their cooperatives' private values in the log (see audit.registry).
        registry.register_member_coops(member_coop_ids)
