"""Gunicorn for production: `gunicorn -c deploy/gunicorn.conf.py tracker.wsgi` (docs/deploy.md).

Every value can be overridden from the environment with GUNICORN_* variables, so the same file
serves a small and a large machine.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # a reverse proxy in front ends TLS
# Synchronous workers: the views are short database reads; two per core plus one is gunicorn's advice.
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = 5
# Recycle workers now and then so that slow leaks in any library cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Requests larger than this never reach Django (uploads have their own limit in settings).
limit_request_line = 8190
limit_request_fields = 100
# The proxy's address, whose X-Forwarded-* headers gunicorn may believe.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
