"""The `minga` command: Django's management commands under one name.

`minga demo`, `minga runserver`, `minga tally ...`, `minga log verify` and so on.

Exit status, for every command: 0 done (or valid, intact), 1 found a problem (an invalid
credential, an altered log), 2 could not run (a setting missing, the database unreachable, a bad
argument). Whatever the configuration, a failure to run is one line on standard error naming
what to set, never a traceback.

`minga tally` reads only its file, `minga log monitor` only another host's log and `minga did
resolve did:key:...` only its argument: they run without Django at all (the tally's budget is
a few times a bare interpreter start). Commands that may read this instance's database but
need not (`did resolve` of a did:web, `credential verify`, whose audit-log check applies only
to this instance's own credentials, and help) start Django with a throwaway secret key, so
they run on any machine without the deployment's configuration.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Sequence

# Commands that sign nothing and keep no session: a throwaway secret key stands in when none is set.
STANDALONE_COMMANDS = {"did", "credential", "help"}
HELP_FLAGS = {"-h", "--help", "--version"}
NOT_RUN = 2


def needs_no_deployment(argv: Sequence[str]) -> bool:
    """Whether `minga ARGV` runs without the deployment's configuration (help included)."""
    return not argv or argv[0] in STANDALONE_COMMANDS or bool(HELP_FLAGS.intersection(argv))


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["tally"]:
        from minga.decisions.tally.command import main as tally

        sys.exit(tally(argv[1:]))
    if argv[:2] == ["log", "monitor"]:
        from minga.audit.monitor import main as monitor

        sys.exit(monitor(argv[2:]))
    if argv[:2] == ["did", "resolve"] and len(argv) == 3 and argv[2].startswith("did:key:"):
        sys.exit(resolve_did_key(argv[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    if needs_no_deployment(argv):
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    sys.exit(run_django(argv))


def resolve_did_key(did: str) -> int:
    """`minga did resolve did:key:...`, derived offline: the same output as the Django command's
    (`minga.identity.management.commands.did`), without starting Django."""
    import json

    from minga.identity import didkey
    from minga.identity.didcore import DidError

    try:
        document = didkey.resolve(did)
    except DidError as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1
    print(json.dumps(document, ensure_ascii=False, indent=2))
    return 0


def run_django(argv: Sequence[str]) -> int:
    """Run a management command; a failure to run it becomes one line and exit status 2."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["minga", *argv])
    except ImproperlyConfigured as error:
        return _cannot_run(f"{error}")
    except DatabaseError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return _cannot_run(
            f"the database cannot be used ({first}). Set DATABASE_URL, or run `minga migrate` "
            "to create the default SQLite database under MINGA_VAR_DIR."
        )
    except KeyboardInterrupt:
        return 130
    return 0


def _cannot_run(message: str) -> int:
    print(f"minga: {message}", file=sys.stderr)
    return NOT_RUN


if __name__ == "__main__":
    main()
