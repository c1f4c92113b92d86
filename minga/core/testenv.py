"""pytest plugin (loaded with -p from pyproject): development defaults for the test run.

It runs before Django's settings are read, so tests need no exported variables; anything
set in the environment (DATABASE_URL for the PostgreSQL run) still wins.
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("MINGA_VAR_DIR", os.path.join(os.getcwd(), "var", "test"))
