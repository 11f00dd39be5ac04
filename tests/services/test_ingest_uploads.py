"""Uploads: stored after the commit and queued; each document's budget in the worker (characters, time)."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction

from positions import pipeline, tasks
from positions.models import Document, Item, Statement
from positions.services import ingest

TEXT = "Lavrov said Moscow would study the proposal on joint exercises carefully.\n"


@pytest.fixture
def uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


@pytest.fixture
def sent(monkeypatch):
    """The item ids sent to the worker (the worker itself is tested in tests/api/test_upload.py)."""
    ids = []
    monkeypatch.setattr(tasks.process_item, "delay", ids.append)
    return ids


def stored(uploads) -> list[str]:
    return sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []


@pytest.mark.django_db
def test_files_are_written_and_queued_only_once_the_transaction_commits(
    uploads, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload = ingest.upload_store(files=[("lavrov.txt", TEXT.encode())])
        assert stored(uploads) == [] and sent == []  # nothing before the commit
    assert len(callbacks) == 1
    (item,) = upload.items
    assert (item.state, item.title, sent) == ("pending", "lavrov", [item.pk])
    assert [path.endswith(".txt") for path in stored(uploads)] == [True]
    assert not Document.objects.exists()  # the request reads nothing: the worker does


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_transaction_rolls_back_leaves_no_file(uploads, sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        ingest.upload_store(files=[("lavrov.txt", TEXT.encode())])
        raise RuntimeError("the request failed after the upload was recorded")
    assert stored(uploads) == [] and sent == [] and not Item.objects.exists()


@pytest.mark.django_db
def test_a_pdf_is_stored_as_a_pdf_whatever_its_name(uploads, sent, django_capture_on_commit_callbacks):
    from tests.factories import pdf

    with django_capture_on_commit_callbacks(execute=True):
        ingest.upload_store(files=[("report.txt", pdf([TEXT]))])
    assert [name.rsplit(".", 1)[1] for name in stored(uploads)] == ["pdf"]


def processed(uploads, sent, capture, data: bytes) -> Item:
    with capture(execute=True):
        (item,) = ingest.upload_store(files=[("lavrov.txt", data)]).items
    ingest.item_process(item_id=item.pk)  # what the worker's task calls
    item.refresh_from_db()
    return item


@pytest.mark.django_db
def test_a_text_over_the_character_budget_fails_its_item_and_keeps_the_document(
    uploads, sent, settings, django_capture_on_commit_callbacks
):
    settings.INGEST_MAX_CHARACTERS = 1000
    item = processed(uploads, sent, django_capture_on_commit_callbacks, TEXT.encode() * 20)
    assert (item.state, item.stage) == ("failed", "statements")
    assert item.error.startswith("over budget: the text has 1,479 characters, more than the 1,000")
    assert "the document is kept" in item.error
    assert item.document.text.startswith(TEXT.strip()) and not Statement.objects.exists()
    assert item.run.failed == 1 and item.run.finished_at is not None


@pytest.mark.django_db
def test_extraction_past_the_time_budget_fails_its_item_and_keeps_the_document(
    uploads, sent, settings, monkeypatch, django_capture_on_commit_callbacks
):
    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()  # what Celery raises in the task at its soft time limit

    monkeypatch.setattr(pipeline, "extract_document", slow)
    settings.INGEST_DOCUMENT_SECONDS = 7
    item = processed(uploads, sent, django_capture_on_commit_callbacks, TEXT.encode())
    assert (item.state, item.stage) == ("failed", "statements")
    assert "ran past the 7-second limit" in item.error and "the document is kept" in item.error
    assert Document.objects.get() == item.document


@pytest.mark.django_db
def test_a_text_within_the_budget_becomes_a_document_with_statements(uploads, sent, django_capture_on_commit_callbacks):
    item = processed(uploads, sent, django_capture_on_commit_callbacks, TEXT.encode())
    assert (item.state, item.error) == ("done", "")
    assert Statement.objects.filter(document=item.document).exists()
