from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "minga.decisions"
    label = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        from minga.audit.subjects import register_subject

        from .subjects import find_poll

        register_subject("poll", find_poll)

        from django.db.backends.signals import connection_created

        from . import sealed

        # Storage settings, not logic: what a secret ballot deletes must not linger in SQLite's
        # pages (see decisions.sealed). Here rather than in one engine, so that every SQLite
        # configuration (the default, DATABASE_URL=sqlite:///...) gets it.
        connection_created.connect(sealed.fast_secure_delete, dispatch_uid="minga-secure-delete")

        from minga.channels import handlers
        from minga.core import schedule

        from . import jobs, sms, ussd

        # The USSD menu and SMS commands answer what members dial and send.
        handlers.register_ussd(ussd.respond)
        handlers.register_sms(sms.respond)

        schedule.register("decisions.close-due", jobs.close_due, every=30)
        schedule.register("decisions.notify", jobs.notify, every=60)
