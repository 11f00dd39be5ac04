"""WSGI entry point of the benchmark's server: the tracker's (tracker.wsgi) with bench.settings."""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from tracker.wsgi import application  # noqa: F401
