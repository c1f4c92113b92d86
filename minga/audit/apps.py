from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "minga.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.conf import settings

        from minga.core import health, schedule

        from . import checks, jobs

        health.register("log", checks.checkpoint)
        health.register("witnesses", checks.witnesses)
        schedule.register(
            "audit.sign-checkpoint",
            jobs.sign_checkpoint,
            every=settings.MINGA_LOG_CHECKPOINT_SECONDS,
        )
