from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoopsConfig(AppConfig):
    name = "minga.coops"
    label = "coops"
    verbose_name = _("Cooperatives")
