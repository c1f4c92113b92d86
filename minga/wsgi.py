import os

from django.core.wsgi import get_wsgi_application

from minga.core.serving import prepare_server_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
application = get_wsgi_application()
# Background WAL checkpoints and a frozen start-up heap (see minga.core.serving).
prepare_server_process()
