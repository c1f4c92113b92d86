from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "minga.credentials"
    label = "credentials"
    verbose_name = _("Credentials")

    def ready(self) -> None:
        from minga.audit.subjects import register_subject

        from .subjects import find_credential, find_training

        register_subject("credential", find_credential)
        register_subject("training", find_training)
