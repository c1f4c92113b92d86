from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minga.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .ids import bound_int_converter

        bound_int_converter()
        post_migrate.connect(_create_cache_table, sender=self)


def _create_cache_table(using: str = "default", **kwargs: object) -> None:
    """The database cache's table (throttles shared by every process), made by `minga migrate`
    like the rest of the schema; Django's command does nothing for caches it does not use."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
