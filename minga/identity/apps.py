from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "minga.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from minga.audit import registry
        from minga.channels import handlers
        from minga.coops.registry import register_founding_step

        from . import actions, checks, keys  # noqa: F401 (checks registers the system checks)

        # The log signs with the platform's key without importing identity (see audit.registry).
        registry.register_key_holder(
            registry.KeyHolder(
                signing_key=lambda: keys.platform_signing_key()[1],
                public_keys=keys.platform_public_keys,
                active_public_key=keys.active_platform_public_key,
            )
        )
        # Inbound USSD and SMS digests are keyed with the master key (see channels.handlers).
        handlers.register_secret(keys.master_key)
        # A new cooperative gets its first signing key (see coops.registry).
        register_founding_step("identity.first-key", actions.generate_coop_key)
