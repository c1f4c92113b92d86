from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudgingConfig(AppConfig):
    name = "minga.judging"
    label = "judging"
    verbose_name = _("Judging")
