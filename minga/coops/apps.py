from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoopsConfig(AppConfig):
    name = "minga.coops"
    label = "coops"
    verbose_name = _("Cooperatives")

    def ready(self) -> None:
        from minga.audit.subjects import register_subject

        from .subjects import find_coop

        register_subject("coop", find_coop)
