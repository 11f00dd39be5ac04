"""The tracker's settings with the benchmark's URLconf, which adds a trivial JSON endpoint (the load baseline)."""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
