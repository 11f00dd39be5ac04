"""Ingest under faults, without a worker: a task that dies every time, a pipeline bug, a dropped database connection."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.db import OperationalError, connection
from django.utils import timezone

from positions import pipeline, tasks
from positions.models import IngestRun, Item, Source
from positions.services import ingest

pytestmark = pytest.mark.django_db


def claimed_long_ago(*, attempts: int) -> Item:
    source = Source.objects.create(name="s", kind="feed", url="http://127.0.0.1:9/feed.xml")
    run = IngestRun.objects.create(source=source, trigger="test", started_at=timezone.now())
    long_ago = timezone.now() - timedelta(hours=1)
    return Item.objects.create(
        source=source,
        run=run,
        key="k",
        url="http://127.0.0.1:9/a",
        state="processing",
        attempts=attempts,
        claimed_at=long_ago,
        queued_at=long_ago,
    )


def test_it_sends_again_an_item_whose_task_died_before_its_last_attempt():
    item = claimed_long_ago(attempts=2)
    assert ingest.items_stalled() == [item.pk]
    item.refresh_from_db()
    assert item.state == "processing" and item.queued_at > timezone.now() - timedelta(minutes=1)


def test_it_fails_an_item_whose_task_died_at_every_attempt_without_sending_it_again(settings):
    item = claimed_long_ago(attempts=settings.INGEST_MAX_ATTEMPTS)
    assert ingest.items_stalled() == []
    item.refresh_from_db()
    assert item.state == "failed" and item.claim is None
    assert item.error.startswith(f"its task died {settings.INGEST_MAX_ATTEMPTS} times")
    run = IngestRun.objects.get()
    assert run.failed == 1 and run.finished_at and run.errors[0]["message"] == item.error


def test_it_records_an_unexpected_pipeline_error_on_the_item_and_the_run(monkeypatch):
    item = claimed_long_ago(attempts=0)
    Item.objects.filter(pk=item.pk).update(state="pending", claimed_at=None)

    def broken(**kwargs):
        raise RuntimeError("a bug in a stage")

    monkeypatch.setattr(pipeline, "entry_text", broken)
    assert ingest.item_process(item_id=item.pk) == "failed"
    item.refresh_from_db()
    assert item.attempts == 1 and item.error == "unexpected error: RuntimeError('a bug in a stage')"
    assert IngestRun.objects.get().errors[0]["message"] == item.error


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_item_back_when_the_database_drops_the_connection(monkeypatch):
    item = claimed_long_ago(attempts=0)
    Item.objects.filter(pk=item.pk).update(state="pending", claimed_at=None)

    def connection_lost(**kwargs):
        with connection.cursor() as cursor:  # what pg_terminate_backend does to a worker's connection
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    monkeypatch.setattr(pipeline, "entry_text", connection_lost)
    with pytest.raises(OperationalError):
        ingest.item_process(item_id=item.pk)
    item.refresh_from_db()  # on a new connection
    assert (item.state, item.claim, item.attempts) == ("pending", None, 1)


def test_the_task_retries_soon_on_a_database_error(monkeypatch):
    def connection_lost(**kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(ingest, "item_process", connection_lost)
    sent = []
    monkeypatch.setattr(tasks.process_item, "retry", lambda **kw: sent.append(kw) or Retry())
    with pytest.raises(Retry):
        tasks.process_item.run(1)
    assert sent[0]["countdown"] == tasks.DB_RETRY_SECONDS
