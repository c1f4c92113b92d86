from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "minga.credentials"
    label = "credentials"
    verbose_name = _("Credentials")

    def ready(self) -> None:
        from minga.audit.subjects import register_subject
        from minga.identity.registry import register_compromise_report

        from .queries import reissue_lines
        from .subjects import find_credential

        register_subject("credential", find_credential)
        # A compromised key's credentials are listed for re-issue (see identity.registry).
        register_compromise_report("credentials.re-issue", reissue_lines)
