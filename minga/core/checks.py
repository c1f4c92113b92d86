"""Deployment checks (`minga check --deploy`): what weakens a production server.

Each names the setting that fixes it. Levels: a warning where production suffers (locked
database, oversized bodies taken in by the proxy); information where a working
configuration only lacks a convenience (errors go to standard error, not to Sentry).
"""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

MINGA_SQLITE = "minga.core.fast.sqlite"


@register(deploy=True)
def check_sqlite_settings(app_configs=None, **kwargs) -> list[CheckMessage]:
    """SQLite serves several web processes only with WAL and Minga's writers queue."""
    return sqlite_problems(settings.DATABASES["default"])


def sqlite_problems(database: dict) -> list[CheckMessage]:
    """What the database settings `database` lack, if they name SQLite."""
    engine = database.get("ENGINE", "")
    if "sqlite" not in engine:
        return []
    problems: list[CheckMessage] = []
    if engine != MINGA_SQLITE:
        problems.append(
            Warning(
                f"The database uses the SQLite engine {engine!r}, not Minga's.",
                hint=(
                    f"Use ENGINE {MINGA_SQLITE!r} (the default, and what DATABASE_URL=sqlite:///"
                    "... gives): without its writers queue and IMMEDIATE transactions, "
                    "concurrent writes fail with 'database is locked'."
                ),
                id="core.W001",
            )
        )
    init_command = database.get("OPTIONS", {}).get("init_command", "")
    if "journal_mode=wal" not in init_command.lower().replace(" ", ""):
        problems.append(
            Warning(
                "The SQLite database is not set to WAL mode.",
                hint=(
                    "Add 'PRAGMA journal_mode=WAL;' to OPTIONS['init_command'] (the default "
                    "does): without it readers and the writer block each other."
                ),
                id="core.W002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_error_reporting(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Without Sentry, server errors are only on standard error: someone must read it."""
    if settings.SENTRY_DSN:
        return []
    return [
        Warning(
            "Server errors are logged only to standard error (no SENTRY_DSN).",
            hint=(
                "Set SENTRY_DSN to have them reported, or make sure standard error is kept "
                "and watched (journald, the container runtime)."
            ),
            id="core.W005",
        )
    ]


@register(Tags.security, deploy=True)
def check_proxy_body_limit(app_configs=None, **kwargs) -> list[CheckMessage]:
    """The reverse proxy must refuse oversized bodies before it buffers them to disk."""
    proxy, minga = settings.MINGA_PROXY_MAX_REQUEST_BYTES, settings.MINGA_MAX_REQUEST_BYTES
    if not proxy:
        return [
            Warning(
                "No request body limit is stated for the reverse proxy.",
                hint=(
                    f"Make the proxy refuse bodies over {minga} bytes (MINGA_MAX_REQUEST_BYTES; "
                    "docs/deploy.md shows nginx and Caddy), then set "
                    "MINGA_PROXY_MAX_REQUEST_BYTES to the limit it enforces."
                ),
                id="core.W003",
            )
        ]
    if proxy > minga:
        return [
            Warning(
                f"The reverse proxy lets bodies of up to {proxy} bytes through, more than "
                f"the {minga} Minga accepts.",
                hint="Lower the proxy's limit (and MINGA_PROXY_MAX_REQUEST_BYTES) to match.",
                id="core.W004",
            )
        ]
    return []
