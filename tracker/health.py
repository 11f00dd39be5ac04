"""/healthz: does the database answer, does the broker answer, when did a worker last beat."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 3


def database_answers() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "does not answer"; the reason goes in the report
        return False, _describe(exc)
    return True, ""


def _describe(exc: Exception) -> str:
    # Connection errors can name hosts and users: the details go to the log, not to the public.
    logger.warning("health check: %s: %s", exc.__class__.__name__, exc)
    return f"{exc.__class__.__name__}: {exc}" if settings.DEBUG else exc.__class__.__name__


def broker_answers() -> tuple[bool, str]:
    from tracker.celery import app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
            channel = conn.default_channel  # Redis pings here, AMQP opens a channel
            session = getattr(channel, "session", None)
            if session is not None:  # kombu's SQL transport connects lazily: make it
                from sqlalchemy import text

                try:
                    session.execute(text("SELECT 1"))
                finally:
                    session.close()
    except Exception as exc:
        return False, _describe(exc)
    return True, ""


def last_worker_heartbeat():
    from positions.models import WorkerHeartbeat

    try:
        return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    except Exception:
        return None


def _status(answering: bool, beat_at) -> str:
    if not answering:
        return "unavailable"
    # A fresh install has no heartbeat until beat's first minute: up, but not yet proven to work.
    return "ok" if beat_at else "starting"


@never_cache
@require_GET
@transaction.non_atomic_requests  # a request transaction would fail before we could report why
def healthz(request):
    db_ok, db_error = database_answers()
    broker_ok, broker_error = broker_answers()
    beat_at = last_worker_heartbeat() if db_ok else None
    max_age = timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    body = {
        "status": _status(db_ok and broker_ok, beat_at),
        "database": db_ok,
        "broker": broker_ok,
        "worker": {
            "last_heartbeat": beat_at.isoformat() if beat_at else None,
            "recent": bool(beat_at and timezone.now() - beat_at <= max_age),
        },
    }
    errors = {name: error for name, error in (("database", db_error), ("broker", broker_error)) if error}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=200 if db_ok and broker_ok else 503)
