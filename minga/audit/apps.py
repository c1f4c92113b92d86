from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "minga.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from minga.core import health

        from . import checks

        health.register("log", checks.checkpoint)
        health.register("witnesses", checks.witnesses)
