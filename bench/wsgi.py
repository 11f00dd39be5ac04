"""WSGI entry point of the benchmark's server: the tracker with bench.settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
application = get_wsgi_application()
