"""The `minga` command: Django's management commands under one name.

`minga demo`, `minga runserver`, `minga tally ...`, `minga log verify` and so on.
"""

import os
import secrets
import sys

# Commands that read only their arguments: no database, no sessions, nothing signed. They run
# on any machine without the deployment's configuration, so a throwaway secret key stands in.
STANDALONE_COMMANDS = {"tally"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    if sys.argv[1:2] and sys.argv[1] in STANDALONE_COMMANDS:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["minga", *sys.argv[1:]])


if __name__ == "__main__":
    main()
