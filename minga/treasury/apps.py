from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreasuryConfig(AppConfig):
    name = "minga.treasury"
    label = "treasury"
    verbose_name = _("Treasury")

    def ready(self) -> None:
        from minga import audit

        from . import payments, verify

        audit.register_check("treasury", verify.verify_all)
        payments.register()
