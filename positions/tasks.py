"""Thin Celery tasks: they take ids, call services, and queue follow-up work after commit."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, transaction

from positions.models import Document
from positions.services import data_writes_compact, heartbeat_record, lexicon_writes_compact
from positions.services import ingest as ingest_service
from positions.services import statements as statements_service
from positions.services import webhooks as webhooks_service

logger = logging.getLogger(__name__)
RETRY_BACKOFF_SECONDS = 30
DB_RETRY_SECONDS = 1
DB_RETRIES = 5


@shared_task(name="positions.heartbeat", ignore_result=True, soft_time_limit=20, time_limit=30)
def heartbeat() -> None:
    """Record that a worker is alive; beat sends it every minute and /healthz reads it."""
    heartbeat_record(worker=heartbeat.request.hostname or "unknown")


@shared_task(name="positions.compact_data_writes", ignore_result=True, soft_time_limit=50, time_limit=60)
def compact_data_writes() -> None:
    """Keep the data version (what the cached answers are keyed on) one small sum, and the lexicon's version
    (what each worker's lexicon is kept under) a count over a few rows; beat sends it hourly."""
    data_writes_compact()
    lexicon_writes_compact()


@shared_task(name="positions.poll_due_sources", ignore_result=True, soft_time_limit=50, time_limit=60)
def poll_due_sources() -> None:
    for source_id in ingest_service.sources_due():
        poll_source.delay(source_id, "schedule")


@shared_task(name="positions.poll_source", ignore_result=True)
def poll_source(source_id: int, trigger: str = "schedule") -> None:
    result = ingest_service.source_poll(source_id=source_id, trigger=trigger)
    _queue_items(result.new_item_ids)


@shared_task(
    name="positions.process_item",
    bind=True,
    ignore_result=True,
    max_retries=None,
    soft_time_limit=settings.INGEST_DOCUMENT_SECONDS,  # the document's time budget; the hard limit is later
)
def process_item(self, item_id: int) -> None:
    # Retries are counted on the item itself (its attempts), across redeliveries too.
    try:
        outcome = ingest_service.item_process(item_id=item_id, retry_transient=True)
    except (OperationalError, InterfaceError) as exc:
        # The database dropped the connection; the service gave the item back. Try again soon on a
        # new connection; past DB_RETRIES the task fails and the sweeper takes the item up later.
        if self.request.retries >= DB_RETRIES:
            raise
        close_old_connections()
        raise self.retry(exc=exc, countdown=DB_RETRY_SECONDS * 2 ** min(self.request.retries, 4)) from exc
    if outcome == "retry":
        raise self.retry(countdown=RETRY_BACKOFF_SECONDS * 2 ** min(self.request.retries, 6))


@shared_task(name="positions.requeue_stalled_items", ignore_result=True, soft_time_limit=50, time_limit=60)
def requeue_stalled_items() -> None:
    stalled = ingest_service.items_stalled()
    if stalled:
        logger.warning("requeueing %d stalled items", len(stalled))
    _queue_items(stalled)


@shared_task(name="positions.extract_document", ignore_result=True, soft_time_limit=240, time_limit=300)
def extract_document(document_id: int) -> None:
    """Extract a document's statements again (a new extractor version, or a curator's "extract again")."""
    document = Document.objects.select_related("source").filter(pk=document_id).first()
    if document is None:
        logger.warning("document %s is gone: nothing to extract", document_id)
        return
    report = statements_service.document_statements_extract(document=document)
    logger.info("document %s: %s", document_id, report.line())


@shared_task(name="positions.webhook_changes", ignore_result=True, soft_time_limit=50, time_limit=60)
def webhook_changes(stance_ids: list[int], status_ids: list[int], statement_ids: list[int]) -> None:
    """Make the deliveries of what these rows changed, one per subscriber, and send them."""
    delivery_ids = webhooks_service.deliveries_create(
        stance_ids=stance_ids, status_ids=status_ids, statement_ids=statement_ids
    )
    transaction.on_commit(lambda: [deliver_webhook.delay(pk) for pk in delivery_ids])


@shared_task(
    name="positions.deliver_webhook",
    bind=True,
    ignore_result=True,
    # The delivery counts its own attempts (WEBHOOK_MAX_ATTEMPTS), across redeliveries too.
    max_retries=None,
    soft_time_limit=settings.WEBHOOK_TIMEOUT_SECONDS + 20,
    time_limit=settings.WEBHOOK_TIMEOUT_SECONDS + 30,
)
def deliver_webhook(self, delivery_id: int) -> None:
    attempted = webhooks_service.delivery_attempt(delivery_id=delivery_id)
    logger.info("webhook delivery %s: %s", delivery_id, attempted.outcome)
    if attempted.retry_in is not None:
        raise self.retry(countdown=attempted.retry_in)


@shared_task(name="positions.requeue_stalled_deliveries", ignore_result=True, soft_time_limit=50, time_limit=60)
def requeue_stalled_deliveries() -> None:
    stalled = webhooks_service.deliveries_stalled()
    if stalled:
        logger.warning("requeueing %d stalled webhook deliveries", len(stalled))
    for delivery_id in stalled:
        deliver_webhook.delay(delivery_id)


def _queue_items(item_ids) -> None:
    ids = list(item_ids)
    transaction.on_commit(lambda: [process_item.delay(item_id) for item_id in ids])
