from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "minga.trainings"
    label = "trainings"
    verbose_name = _("Trainings")

    def ready(self) -> None:
        from minga.audit.subjects import register_subject
        from minga.credentials import registry

        from . import actions, queries

        register_subject("training", queries.find_training)
        # What the public profiles show of trainings, and the certificates enrolments keep.
        registry.register_profile_section(
            "person",
            "trainings.given",
            registry.ProfileSection(20, "trainings/_profile_given.html", queries.trainings_given),
        )
        registry.register_profile_section(
            "person",
            "trainings.completed",
            registry.ProfileSection(
                30, "trainings/_profile_completed.html", queries.trainings_completed
            ),
        )
        registry.register_profile_section(
            "coop",
            "trainings",
            registry.ProfileSection(10, "trainings/_profile_coop.html", queries.coop_trainings),
        )
        registry.register_holding(
            "trainings.enrolments",
            registry.Holding(
                phones=actions.certificate_phones, replace=actions.point_to_replacement
            ),
        )
