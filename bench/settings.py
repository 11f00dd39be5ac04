"""The tracker's settings with the benchmark's URLconf, which adds a trivial JSON endpoint (the load baseline),
and BENCH_ANSWER_CACHE=off for the cold rows: every answer built afresh (its ETag still computed)."""

import os

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ANSWER_CACHE = os.environ.get("BENCH_ANSWER_CACHE", "on") != "off"
