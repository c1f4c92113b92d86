"""WSGI entry point for the benchmarks: the project served with bench.settings_bench, set up
as minga/wsgi.py sets up a server process."""

import os

from django.core.wsgi import get_wsgi_application

from minga.core.serving import prepare_server_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
application = get_wsgi_application()
prepare_server_process()
