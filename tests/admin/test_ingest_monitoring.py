"""Ingest monitoring in the admin: source health, "poll now", runs with their errors, "extract again"."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from positions import tasks
from positions.models import IngestRun, Item, Source
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The tasks the admin sends to the broker (a worker's work is tested in tests/test_tasks.py)."""
    calls = []
    monkeypatch.setattr(tasks.poll_source, "delay", lambda *args: calls.append(("poll_source", args)))
    monkeypatch.setattr(tasks.extract_document, "delay", lambda *args: calls.append(("extract_document", args)))
    return calls


def test_sources_show_their_health(curator_client):
    Source.objects.create(name="Healthy", kind="feed", url="https://a.example/rss", last_success_at=datetime.now(UTC))
    Source.objects.create(
        name="Broken", kind="feed", url="https://b.example/rss", failures_in_row=3, last_error="HTTP 503 <b>x</b>"
    )
    Source.objects.create(name="Paused", kind="feed", url="https://c.example/rss", paused_reason="10 failures")

    html = curator_client.get(reverse("admin:positions_source_changelist")).content.decode()

    assert 'desk-health-ok">ok<' in html
    assert "failing (3 in a row): HTTP 503 &lt;b&gt;x&lt;/b&gt;" in html
    assert "paused: 10 failures" in html


def test_poll_now_queues_the_poll_task_after_commit(curator_client, sent, django_capture_on_commit_callbacks):
    source = Source.objects.create(name="Feed", kind="feed", url="https://a.example/rss")
    changelist = reverse("admin:positions_source_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(changelist, {"action": "poll_now", "_selected_action": [source.pk]}, follow=True)

    assert sent == [("poll_source", (source.pk, "admin"))]
    assert "1 sources queued for polling." in response.content.decode()


def test_a_run_shows_its_errors_and_failed_items(curator_client):
    source = Source.objects.create(name="Feed", kind="feed", url="https://a.example/rss")
    run = IngestRun.objects.create(
        source=source,
        trigger="schedule",
        started_at=datetime(2012, 2, 1, tzinfo=UTC),
        failed=1,
        errors=[{"url": "https://a.example/1", "stage": "fetch", "message": "timed out <after 20 s>"}],
    )
    Item.objects.create(source=source, run=run, key="k1", title="The failed one", state="failed", stage="fetch")

    listing = curator_client.get(reverse("admin:positions_ingestrun_changelist")).content.decode()
    page = curator_client.get(reverse("admin:positions_ingestrun_change", args=[run.pk])).content.decode()

    assert '<td class="field-error_count">1</td>' in listing
    assert "<td>https://a.example/1</td><td>fetch</td><td>timed out &lt;after 20 s&gt;</td>" in page
    assert "The failed one" in page


def test_extract_again_queues_the_extraction_of_each_document(curator_client, sent, django_capture_on_commit_callbacks):
    first, second = factories.document(text="One text."), factories.document(text="Another text.")
    changelist = reverse("admin:positions_document_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        curator_client.post(changelist, {"action": "extract_again", "_selected_action": [first.pk, second.pk]})
        button = curator_client.post(reverse("admin:positions_document_extract", args=[first.pk]))

    assert button.status_code == 302
    # The action queues both documents; the change form's button queues the first again.
    assert sorted(sent) == sorted([("extract_document", (first.pk,))] * 2 + [("extract_document", (second.pk,))])
    page = curator_client.get(reverse("admin:positions_document_change", args=[first.pk])).content.decode()
    assert "Extract again" in page


def test_a_reader_cannot_poll_or_extract(reader_client, sent, django_capture_on_commit_callbacks):
    source = Source.objects.create(name="Feed", kind="feed", url="https://a.example/rss")
    document = factories.document(text="One text.")
    with django_capture_on_commit_callbacks(execute=True):
        reader_client.post(
            reverse("admin:positions_source_changelist"), {"action": "poll_now", "_selected_action": [source.pk]}
        )
        refused = reader_client.post(reverse("admin:positions_document_extract", args=[document.pk]))
    assert refused.status_code == 403
    assert sent == []
