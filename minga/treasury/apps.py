from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreasuryConfig(AppConfig):
    name = "minga.treasury"
    label = "treasury"
    verbose_name = _("Treasury")

    def ready(self) -> None:
        from minga import audit
        from minga.core import schedule

        from . import approvals, circularisation, payments, reconciliation, sms, ussd, verify

        audit.register_check("treasury", verify.verify_all)
        # Members' answers by SMS and USSD, and the lapse of outflows not confirmed in time.
        payments.register()
        sms.register()
        ussd.register()
        circularisation.register()
        schedule.register("treasury.lapse-approvals", approvals.lapse_due, every=60)
        # Statements against books against agents' cash counts: hourly, so that each day's
        # exceptions are listed before the day closes.
        schedule.register("treasury.reconcile", reconciliation.daily, every=3600)
