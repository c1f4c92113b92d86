from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "minga.challenges"
    label = "challenges"
    verbose_name = _("Challenges")

    def ready(self) -> None:
        from minga.audit.subjects import register_subject

        from .subjects import find_need

        register_subject("need", find_need)
