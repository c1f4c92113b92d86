#!/usr/bin/env python
"""Development entry point of a checkout: like `minga`, with DEBUG on unless set.

Deployments use the installed `minga` command (and granian), which never default to DEBUG.
"""

import os
import sys

from minga.cli import main

if __name__ == "__main__":
    os.environ.setdefault("DEBUG", "1")
    sys.argv[0] = "manage.py"
    main()
