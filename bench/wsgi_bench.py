"""WSGI entry point for the benchmarks: the project served with bench.settings_bench."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
application = get_wsgi_application()
