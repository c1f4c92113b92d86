from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minga.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 (registers the deployment checks)
            health,
            schedule,
            worker,
        )
        from .ids import bound_int_converter

        bound_int_converter()
        health.register("worker", worker.heartbeat)
        schedule.register("core.requeue-abandoned", worker.requeue_abandoned, every=60)
        # After every app's migrations (idempotent): the cache table is part of the schema.
        post_migrate.connect(_create_cache_table, dispatch_uid="minga-cache-table")


def _create_cache_table(using: str = "default", plan: object = None, **kwargs: object) -> None:
    """The database cache's table (throttles shared by every process), made by `minga migrate`
    like the rest of the schema; Django's command does nothing for caches it does not use."""
    from django.core.management import call_command

    if plan == []:  # nothing migrated (a second app's signal in the same run, or nothing to do)
        from django.db import connections

        if "minga_cache" in connections[using].introspection.table_names():
            return
    call_command("createcachetable", database=using, verbosity=0)
