from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudgingConfig(AppConfig):
    name = "minga.judging"
    label = "judging"
    verbose_name = _("Judging")

    def ready(self) -> None:
        from minga.credentials import registry

        from .queries import coopathon_history

        # A person's public profile lists the coop-a-thons where they earned an award.
        registry.register_profile_section(
            "person",
            "judging.coopathons",
            registry.ProfileSection(10, "judging/_profile_awards.html", coopathon_history),
        )
