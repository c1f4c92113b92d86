"""Settings for the benchmarks: exactly the project's settings and middleware, with a URLconf
that adds a bare "hello" view (the throughput reference).

Two switches, set only by the bench scripts:

- MINGA_BENCH_STATIC_ROOT: collect static files into this throwaway directory instead of the
  repository's staticfiles/.
- MINGA_BENCH_FAST_PASSWORDS=1: hash passwords with a fast hasher. Used only while
  `minga demo` loads the demo people (their PBKDF2 hashes take most of a minute and no
  measured page signs anyone in); the measured server never sets it.
"""

import os
from pathlib import Path

from minga.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench"

if os.environ.get("MINGA_BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["MINGA_BENCH_STATIC_ROOT"])

if os.environ.get("MINGA_BENCH_FAST_PASSWORDS") == "1":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
