"""Ingest through the services against a real local site: items, documents, runs, health, duplicates."""

import random
import threading

import pytest
from django.db import connection

from positions.models import Document, DocumentBand, IngestRun, Item, Source
from positions.services import ingest
from tests.conftest import article, rss

pytestmark = pytest.mark.django_db

WORDS = [
    "missile",
    "defence",
    "system",
    "radar",
    "interceptor",
    "alliance",
    "treaty",
    "guarantee",
    "council",
    "minister",
    "talks",
    "proposal",
    "cooperation",
    "deployment",
    "exercise",
    "centre",
    "data",
    "planning",
    "threat",
    "security",
    "balance",
    "nuclear",
    "forces",
    "agreement",
    "Europe",
    "Russia",
    "NATO",
    "summit",
    "Lisbon",
    "Chicago",
    "Sochi",
    "statement",
    "spokesman",
]


def story(seed: int, paragraphs: int = 4) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(paragraphs)]


def serve_feed(site, count: int, *, prefix: str = "story") -> Source:
    items = []
    for n in range(count):
        path = f"/{prefix}/{n}"
        site.pages[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, article(f"Story {n}", story(n)))
        items.append((f"urn:{prefix}:{n}", path, f"Story {n}"))
    site.pages["/feed.xml"] = (200, {"Content-Type": "application/rss+xml", "etag": '"v1"'}, rss(site, items))
    return Source.objects.create(name=f"feed {prefix}", kind="feed", url=site.url("/feed.xml"))


def poll_and_process(source: Source) -> IngestRun:
    result = ingest.source_poll(source_id=source.pk, trigger="test")
    for item_id in result.new_item_ids:
        ingest.item_process(item_id=item_id)
    result.run.refresh_from_db()
    return result.run


def rows() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Item, Document, DocumentBand)}


def test_a_feed_becomes_documents_with_clean_text_and_a_balanced_run(site):
    source = serve_feed(site, 5)
    run = poll_and_process(source)

    assert (run.seen, run.new, run.known, run.failed, run.pending) == (5, 5, 0, 0, 0)
    assert run.finished_at is not None
    doc = Document.objects.get(title="Story 3")
    assert all(paragraph in doc.text for paragraph in story(3))
    assert "tracking" not in doc.text and "<" not in doc.text and "Copyright" not in doc.text
    assert doc.url == site.url("/story/3") and doc.source == source
    assert doc.published.isoformat() == "2011-12-06"
    source.refresh_from_db()
    assert source.last_success_at and source.failures_in_row == 0 and source.etag == '"v1"'


def test_ingesting_the_same_feed_three_times_gives_the_same_rows(site):
    source = serve_feed(site, 6)
    poll_and_process(source)
    after_first = rows()
    for _ in range(2):
        Source.objects.filter(pk=source.pk).update(etag="")  # no 304: the feed is read again
        run = poll_and_process(source)
        assert (run.seen, run.known, run.new) == (6, 6, 0)
    assert rows() == after_first


def test_an_unchanged_feed_is_not_read_again(site):
    source = serve_feed(site, 2)
    poll_and_process(source)
    run = poll_and_process(source)
    assert run.seen == 0 and Item.objects.count() == 2
    assert site.hits.count("/feed.xml") == 2  # asked twice, answered 304 the second time


@pytest.mark.django_db(transaction=True)
def test_two_workers_polling_one_source_at_once_give_the_same_rows_as_one(site):
    source = serve_feed(site, 8)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        try:
            result = ingest.source_poll(source_id=source.pk, trigger="test")
            results.append(result)
            for item_id in Item.objects.filter(source=source).values_list("pk", flat=True):
                ingest.item_process(item_id=item_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert rows() == {"Item": 8, "Document": 8, "DocumentBand": 8 * 16}
    runs = [r.run for r in results if r.run is not None]
    assert sum(run.new for run in IngestRun.objects.filter(pk__in=[r.pk for r in runs])) == 8


def test_a_refused_link_is_recorded_on_its_entry_and_the_run(site, settings):
    site.pages["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><guid>a</guid><link>http://169.254.169.254/latest/meta-data/</link><title>Metadata</title>"
        b"<description>Cloud metadata.</description></item></channel></rss>",
    )
    source = Source.objects.create(name="ssrf", kind="feed", url=site.url("/feed.xml"))
    run = poll_and_process(source)
    item = Item.objects.get()
    assert item.state == "failed" and item.stage == "fetch" and "169.254.169.254" in item.error
    assert run.failed == 1 and run.errors[0]["url"] == "http://169.254.169.254/latest/meta-data/"
    assert not Document.objects.exists()


def test_a_failing_source_backs_off_then_pauses_and_recovers_on_success(site, settings):
    settings.SOURCE_MAX_FAILURES = 3
    source = Source.objects.create(name="broken", kind="feed", url=site.url("/missing.xml"), poll_interval=600)
    waits = []
    for _ in range(3):
        run = poll_and_process(source)
        source.refresh_from_db()
        waits.append((source.next_poll_at - source.last_polled_at).total_seconds())
        assert run.errors and run.errors[0]["stage"] == "fetch" and "404" in run.errors[0]["message"]
    assert waits == [600, 1200, 2400]
    assert source.failures_in_row == 3 and "paused after 3 failed polls" in source.paused_reason
    assert source.pk not in ingest.sources_due()

    serve_feed(site, 1)
    Source.objects.filter(pk=source.pk).update(url=site.url("/feed.xml"), paused_reason="")
    poll_and_process(source)
    source.refresh_from_db()
    assert source.failures_in_row == 0 and source.last_success_at is not None


def test_a_republished_copy_is_linked_to_the_original_not_dropped(site):
    original = story(42, paragraphs=6)
    copy = ["Reprinted from the wire service.", *original[:-1], original[-1].replace("missile", "rocket", 1)]
    site.pages["/a"] = (200, {"Content-Type": "text/html"}, article("Original", original))
    site.pages["/b"] = (200, {"Content-Type": "text/html"}, article("Copy", copy))
    first = poll_and_process(Source.objects.create(name="a", kind="page", url=site.url("/a")))
    second = poll_and_process(Source.objects.create(name="b", kind="page", url=site.url("/b")))
    assert first.new == 1 and second.new == 1
    assert Document.objects.get(title="Copy").near_duplicate_of == Document.objects.get(title="Original")


def test_the_same_text_from_two_sources_is_one_document(site):
    page = article("Same", story(7))
    site.pages["/one"] = (200, {"Content-Type": "text/html"}, page)
    site.pages["/two"] = (200, {"Content-Type": "text/html"}, page)
    poll_and_process(Source.objects.create(name="one", kind="page", url=site.url("/one")))
    run = poll_and_process(Source.objects.create(name="two", kind="page", url=site.url("/two")))
    assert run.duplicate == 1 and Document.objects.count() == 1
    assert Item.objects.get(source__name="two").document == Document.objects.get()


def test_an_item_claimed_by_a_live_worker_is_left_alone(site):
    source = serve_feed(site, 1)
    result = ingest.source_poll(source_id=source.pk, trigger="test")
    claimed = ingest.item_claim(item_id=result.new_item_ids[0])
    assert claimed is not None
    assert ingest.item_process(item_id=claimed.pk) == "processing"
    assert not Document.objects.exists()


def test_the_due_sources_are_the_active_unpaused_ones_whose_time_has_come(site):
    due = Source.objects.create(name="due", kind="feed", url=site.url("/f"))
    Source.objects.create(name="off", kind="feed", url=site.url("/f"), is_active=False)
    Source.objects.create(name="paused", kind="feed", url=site.url("/f"), paused_reason="broken")
    assert ingest.sources_due() == [due.pk]


def dated_article(title: str, dateline: str, seed: int) -> bytes:
    """A page with no date in its markup, only a dateline opening its text."""
    body = "".join(f"<p>{p}</p>" for p in story(seed))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{dateline} NATO said it would go on talking.</p>{body}</article>"
        "</body></html>"
    ).encode()


def test_a_feed_s_date_comes_before_a_dateline_and_a_dateline_before_nothing(site):
    dateline = "BRUSSELS, Dec. 8, 2011 –"
    site.pages["/story/1"] = (200, {"Content-Type": "text/html"}, dated_article("Talks", dateline, seed=1))
    site.pages["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(site, [("urn:1", "/story/1", "T")]))
    site.pages["/story/2"] = (200, {"Content-Type": "text/html"}, dated_article("More talks", dateline, seed=2))
    poll_and_process(Source.objects.create(name="feed", kind="feed", url=site.url("/feed.xml")))
    poll_and_process(Source.objects.create(name="page", kind="page", url=site.url("/story/2")))

    from_feed, from_page = Document.objects.get(title="Talks"), Document.objects.get(title="More talks")
    assert from_feed.published.isoformat() == "2011-12-06"  # the feed's pubDate
    assert (from_page.published.isoformat(), from_page.published_raw) == ("2011-12-08", "Dec. 8, 2011")
    assert from_page.publisher == "page"  # a curator names a page or a feed after its publisher
