import os

from django.core.wsgi import get_wsgi_application

from minga.core.sqlite.base import checkpoint_in_background

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
application = get_wsgi_application()
# Server processes: no request waits for a WAL checkpoint's disk writes (see minga.core.sqlite).
checkpoint_in_background()
