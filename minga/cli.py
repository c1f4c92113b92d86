"""The `minga` command: Django's management commands under one name.

`minga demo`, `minga runserver`, `minga tally ...`, `minga log verify` and so on.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["minga", *sys.argv[1:]])


if __name__ == "__main__":
    main()
