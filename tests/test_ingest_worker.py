"""End to end: beat-style poll task → real worker → real broker → Documents, with pages fetched."""

import time

import pytest

from positions.models import Document, IngestRun, Item, Source
from positions.tasks import poll_source
from tests.test_ingest import serve_feed

pytestmark = pytest.mark.worker


def test_a_feed_of_twenty_four_entries_becomes_documents_through_a_real_worker(site, celery_worker_process):
    source = serve_feed(site, 24, prefix="e2e")
    poll_source.apply_async((source.pk, "test"), queue=celery_worker_process.queue)

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run = IngestRun.objects.filter(source=source, finished_at__isnull=False).first()
        if run is not None:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the run did not finish:\n{celery_worker_process.output()[-3000:]}")

    assert (run.seen, run.new, run.known, run.duplicate, run.no_text, run.failed) == (24, 24, 0, 0, 0, 0)
    assert Item.objects.filter(source=source, state="done").count() == 24
    assert Document.objects.filter(source=source).count() == 24
    for doc in Document.objects.filter(source=source):
        assert doc.text and "<" not in doc.text and "tracking" not in doc.text
        assert doc.url.startswith(site.url("/e2e/"))
    assert site.hits.count("/feed.xml") == 1
    assert sum(hit.startswith("/e2e/") for hit in site.hits) == 24
    assert "positions.process_item" in celery_worker_process.output()
    assert Source.objects.get(pk=source.pk).last_success_at is not None
