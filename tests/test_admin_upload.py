"""Uploading files in the admin ingests them through the same pipeline, and says what happened."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from positions.models import Document, IngestRun, Item

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:positions_document_upload")
TEXT = "Toner said the United States hopes for further cooperation with Russia on missile defence.\n"
HTML = b"<html><head><title>Readout</title></head><body><article><p>" + b"Both sides met in Sochi. " * 30


@pytest.fixture
def curator(client, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(User.objects.create_superuser("curator", "c@example.org", password=None))
    return client


def upload(client, *files):
    return client.post(UPLOAD, {"files": list(files)}, follow=True)


def test_uploaded_files_become_documents_and_a_run(curator):
    response = upload(
        curator,
        SimpleUploadedFile("toner.txt", TEXT.encode(), content_type="text/plain"),
        SimpleUploadedFile("readout.html", HTML + b"</p></article></body></html>", content_type="text/html"),
    )
    assert response.status_code == 200
    assert "2 files: 2 new documents" in response.content.decode()
    assert Document.objects.get(title="toner").text == TEXT.strip()
    assert "Both sides met in Sochi." in Document.objects.get(title="Readout").text
    run = IngestRun.objects.get()
    assert (run.trigger, run.seen, run.new, run.pending) == ("upload", 2, 2, 0)


def test_the_same_file_twice_is_one_document(curator):
    for _ in range(2):
        upload(curator, SimpleUploadedFile("toner.txt", TEXT.encode()))
    assert Document.objects.count() == 1 and Item.objects.count() == 1
    assert list(IngestRun.objects.order_by("pk").values_list("new", "known")) == [(1, 0), (0, 1)]


def test_a_file_over_the_cap_is_refused_before_anything_is_stored(curator, settings):
    settings.FETCH_MAX_DECOMPRESSED = 1024
    response = upload(curator, SimpleUploadedFile("big.txt", b"x" * 2048))
    assert "over the 1,024-byte limit" in response.content.decode() and "big.txt" in response.content.decode()
    assert not IngestRun.objects.exists() and not Document.objects.exists()


def test_the_document_list_offers_the_upload(curator):
    assert UPLOAD.encode() in curator.get(reverse("admin:positions_document_changelist")).content


def test_staff_without_the_add_permission_cannot_upload(client):
    user = User.objects.create_user("reader", password=None, is_staff=True)
    client.force_login(user)
    assert client.get(UPLOAD).status_code == 403
