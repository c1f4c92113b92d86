from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minga.accounts"
    label = "accounts"
    verbose_name = _("People")

    def ready(self) -> None:
        from minga.channels import handlers

        from .queries import language_of_phone

        # USSD and SMS answer in the caller's language (see channels.handlers).
        handlers.register_language(language_of_phone)
