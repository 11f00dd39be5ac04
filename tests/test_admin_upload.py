"""Uploading files in the admin stores and queues them for the worker, and says where to follow them."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from positions import tasks
from positions.models import Document, IngestRun, Item
from positions.services import ingest

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:positions_document_upload")
TEXT = "Toner said the United States hopes for further cooperation with Russia on missile defence.\n"
HTML = b"<html><head><title>Readout</title></head><body><article><p>" + b"Both sides met in Sochi. " * 30


@pytest.fixture
def curator(client, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(User.objects.create_superuser("curator", "c@example.org", password=None))
    return client


@pytest.fixture
def sent(monkeypatch):
    """The item ids sent to the worker (a real worker reads uploads in tests/api/test_upload.py)."""
    ids = []
    monkeypatch.setattr(tasks.process_item, "delay", ids.append)
    return ids


def upload(client, capture, *files):
    with capture(execute=True):
        return client.post(UPLOAD, {"files": list(files)}, follow=True)


def test_uploaded_files_are_queued_then_become_documents_in_the_worker(
    curator, sent, settings, django_capture_on_commit_callbacks
):
    response = upload(
        curator,
        django_capture_on_commit_callbacks,
        SimpleUploadedFile("toner.txt", TEXT.encode(), content_type="text/plain"),
        SimpleUploadedFile("readout.html", HTML + b"</p></article></body></html>", content_type="text/html"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 files: 2 queued for the worker, 0 uploaded before." in html and "Follow them in Items" in html
    run = IngestRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:positions_item_changelist") + f"?run__id__exact={run.pk}"
    assert not Document.objects.exists() and len(list(settings.UPLOAD_DIR.iterdir())) == 2
    assert sorted(sent) == sorted(Item.objects.values_list("pk", flat=True))

    for item_id in sent:  # what the worker's task does with each
        ingest.item_process(item_id=item_id)
    assert Document.objects.get(title="toner").text == TEXT.strip()
    assert "Both sides met in Sochi." in Document.objects.get(title="Readout").text
    run.refresh_from_db()
    assert (run.trigger, run.seen, run.new, run.pending) == ("upload", 2, 2, 0)


def test_the_same_file_twice_is_one_item(curator, sent, django_capture_on_commit_callbacks):
    for _ in range(2):
        response = upload(curator, django_capture_on_commit_callbacks, SimpleUploadedFile("toner.txt", TEXT.encode()))
    assert "1 files: 0 queued for the worker, 1 uploaded before." in response.content.decode()
    assert Item.objects.count() == 1 and len(sent) == 1
    assert list(IngestRun.objects.order_by("pk").values_list("seen", "known")) == [(1, 0), (1, 1)]


def test_a_file_over_the_cap_is_refused_before_anything_is_stored(
    curator, sent, settings, django_capture_on_commit_callbacks
):
    settings.FETCH_MAX_DECOMPRESSED = 1024
    response = upload(curator, django_capture_on_commit_callbacks, SimpleUploadedFile("big.txt", b"x" * 2048))
    assert "over the 1,024-byte limit" in response.content.decode() and "big.txt" in response.content.decode()
    assert not IngestRun.objects.exists() and not settings.UPLOAD_DIR.exists() and sent == []


def test_a_binary_file_is_refused_with_a_clear_error(curator, sent, settings, django_capture_on_commit_callbacks):
    png = SimpleUploadedFile("report.txt", b"\x89PNG\r\n\x1a\n" + bytes(40))
    html = upload(curator, django_capture_on_commit_callbacks, png).content.decode()
    assert "report.txt is a PNG image" in html and "Only text, HTML and PDF files are read." in html
    assert not IngestRun.objects.exists() and not settings.UPLOAD_DIR.exists() and sent == []


def test_the_document_list_offers_the_upload(curator):
    assert UPLOAD.encode() in curator.get(reverse("admin:positions_document_changelist")).content


def test_staff_without_the_add_permission_cannot_upload(client):
    user = User.objects.create_user("reader", password=None, is_staff=True)
    client.force_login(user)
    assert client.get(UPLOAD).status_code == 403
