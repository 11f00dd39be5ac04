"""POST /api/v1/documents/upload: 202 at once, a real worker reads the files, the item says how it went."""

import time

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from positions import tasks
from positions.models import Document, Item, Statement
from tests.factories import pdf

API = "/api/v1"
UPLOAD = f"{API}/documents/upload"
TEXT = b"Lavrov said Moscow would study the proposal on joint exercises carefully.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(50)


@pytest.fixture
def curator(client, db):
    client.force_login(User.objects.create_superuser("curator", "c@example.org", password=None))
    return client


@pytest.fixture
def worker(uploads, celery_worker_process, monkeypatch):
    """The real worker, sent the upload's tasks on its own queue."""
    queue = celery_worker_process.queue
    monkeypatch.setattr(
        tasks.process_item, "delay", lambda item_id: tasks.process_item.apply_async((item_id,), queue=queue)
    )
    return celery_worker_process


def finished(client, url: str, worker) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        item = client.get(url).json()
        if item["done"]:
            return item
        time.sleep(0.3)
    pytest.fail(f"the item did not finish:\n{worker.output()[-3000:]}")


def test_an_upload_answers_202_and_the_worker_makes_documents_and_statements(worker, curator, uploads):
    files = [
        SimpleUploadedFile("lavrov.txt", TEXT),
        SimpleUploadedFile("readout.pdf", pdf([TEXT.decode()], title="Readout")),
    ]
    response = curator.post(UPLOAD, {"files": files})

    assert response.status_code == 202, response.json()
    body = response.json()
    assert [item["state"] for item in body["items"]] == ["pending", "pending"]
    done = [finished(curator, item["status_url"], worker) for item in body["items"]]
    # The PDF holds the same text: whichever the worker reads second is recognised, not stored twice.
    assert sorted((item["state"], item["error"]) for item in done) == [("done", ""), ("duplicate", "")]
    document = Document.objects.get()
    assert document.text == TEXT.decode().strip() and {item["document"] for item in done} == {document.pk}
    assert Statement.objects.filter(document=document).exists()
    assert len(list(uploads.iterdir())) == 2 and "positions.process_item" in worker.output()


def test_a_pdf_upload_becomes_a_document_of_its_text(worker, curator):
    text = "Rasmussen said NATO offers Russia two joint centres.\nLavrov said Moscow wants guarantees."
    response = curator.post(UPLOAD, {"files": [SimpleUploadedFile("report.txt", pdf([text], title="NATO readout"))]})

    item = finished(curator, response.json()["items"][0]["status_url"], worker)
    assert item["state"] == "done", item
    document = Document.objects.get(pk=item["document"])
    assert (document.title, document.text) == ("NATO readout", text) and "%PDF" not in document.text


@pytest.fixture
def small_budget(monkeypatch):
    monkeypatch.setenv("INGEST_MAX_CHARACTERS", "1000")


def test_a_document_over_the_budget_fails_its_item_clearly_and_is_kept(small_budget, worker, curator):
    response = curator.post(UPLOAD, {"files": [SimpleUploadedFile("long.txt", TEXT * 40)]})

    item = finished(curator, response.json()["items"][0]["status_url"], worker)
    assert (item["state"], item["stage"]) == ("failed", "statements")
    assert "over budget" in item["error"] and "the document is kept" in item["error"], item["error"]
    assert Document.objects.get(pk=item["document"]).text.startswith(TEXT.decode().strip())
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("photo.txt", PNG, "photo.txt is a PNG image"),
        ("tool.txt", b"\x7fELF\x02\x01\x01" + bytes(64), "tool.txt is an ELF executable"),
        ("notes.txt", b"words\x00\x00\x01\x02 more", "notes.txt is binary data (it holds NUL bytes)"),
        ("slides.pptx", b"PK\x03\x04\x14\x00" + bytes(40), "slides.pptx is a zip archive"),
    ],
    ids=["png", "elf", "nul-bytes", "zip"],
)
def test_a_binary_file_is_refused_with_a_clear_error_and_nothing_stored(curator, uploads, name, data, said):
    response = curator.post(UPLOAD, {"files": [SimpleUploadedFile("fine.txt", TEXT), SimpleUploadedFile(name, data)]})

    assert response.status_code == 400
    message = response.json()["error"]["fields"]["files"][0]
    assert said in message and "Only text, HTML and PDF files are read." in message
    assert not Item.objects.exists() and not uploads.exists()


def test_a_file_over_the_size_cap_is_refused_and_nothing_stored(curator, uploads, settings):
    settings.FETCH_MAX_DECOMPRESSED = 1024
    response = curator.post(UPLOAD, {"files": [SimpleUploadedFile("big.txt", b"x" * 2048)]})

    assert response.status_code == 400
    assert "over the 1,024-byte limit: big.txt" in response.json()["error"]["fields"]["files"][0]
    assert not Item.objects.exists() and not uploads.exists()


def test_an_item_s_state_is_for_curators_only(client, db):
    assert client.get(f"{API}/ingest-items").status_code == 401


def test_the_schema_documents_the_202_and_the_item_endpoint():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    responses = schema["paths"]["/api/v1/documents/upload"]["post"]["responses"]
    assert "202" in responses and "201" not in responses
    assert "status_url" in schema["components"]["schemas"]["UploadedItem"]["properties"]
    assert "/api/v1/ingest-items/{id}" in schema["paths"]
