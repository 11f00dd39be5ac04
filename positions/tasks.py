"""Thin Celery tasks: they take ids, call services and keep nothing of their own."""

from celery import shared_task

from positions.services import heartbeat_record


@shared_task(name="positions.heartbeat", ignore_result=True, soft_time_limit=20, time_limit=30)
def heartbeat() -> None:
    """Record that a worker is alive; beat sends it every minute and /healthz reads it."""
    heartbeat_record(worker=heartbeat.request.hostname or "unknown")
