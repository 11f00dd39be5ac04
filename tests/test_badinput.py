"""Every bad input (tests/data/badinput, and the third-party pages of ../shared/badinput/html), served
over HTTP on 127.0.0.1, through the whole ingest.

Per file: no unhandled exception, the outcome class of MANIFEST.tsv's expected behaviour
(rejected with the error recorded, or taken in), with no hang and under 200 MB of memory growth.
"""

import csv
import re
import resource
import time

import pytest

from positions.models import Document, Item, Source
from tests.conftest import BADINPUT, SHARED
from tests.test_ingest import poll_and_process

pytestmark = pytest.mark.django_db


def manifest(folder) -> list[dict]:
    if not (folder / "MANIFEST.tsv").exists():
        return []
    rows = csv.DictReader((folder / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t")
    return [{**row, "path": folder / row["file"]} for row in rows]


# The pages are real web pages whose text belongs to their publishers: they stay in ../shared.
PAGES = [row for row in manifest(SHARED / "badinput") if row["file"].startswith("html/")]
MANIFEST = manifest(BADINPUT) + PAGES
HEADER_LINE = re.compile(rb"Header:\s*([A-Za-z-]+):\s*([^\r\n]*?)\s*(?:-->|\r|\n)")
CONTENT_TYPES = {".xml": "application/xml", ".json": "application/json", ".html": "text/html", ".gz": "text/xml"}
# The MANIFEST allows both: "reject or parse with the entity dropped" (as long as nothing is read),
# and "parse with a JSON-feed-capable parser or reject as unsupported format".
EITHER = {
    "xml-attacks/xxe_rss_system_entity_file.xml",
    "xml-attacks/xxe_rss_system_entity_http_localhost.xml",
    "feeds/format_jsonfeed.json",
}


def expected_class(row: dict) -> str:
    if row["file"] in EITHER:
        return "either"
    expected = row["expected_ingest_behaviour"].lower()
    if row["file"].startswith("html/"):
        return "taken"  # pages are always kept: with text, or recorded as having none
    return "rejected" if expected.startswith("reject") else "taken"


def served_headers(path, body: bytes) -> dict[str, str]:
    """The `Header:` lines feedparser's samples carry in their leading comment, else a type by suffix."""
    headers = {name.decode().title(): value.decode("latin-1") for name, value in HEADER_LINE.findall(body[:2000])}
    headers.setdefault("Content-Type", CONTENT_TYPES.get(path.suffix, "application/octet-stream"))
    return headers


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("row", MANIFEST, ids=[row["file"] for row in MANIFEST])
def test_every_bad_input_gets_its_outcome_and_loses_nothing(site, row):
    path = row["path"]
    body = path.read_bytes()
    site.pages["/input"] = (200, served_headers(path, body), body)
    kind = "page" if row["file"].startswith("html/") else "feed"
    source = Source.objects.create(name=row["file"], kind=kind, url=site.url("/input"))

    rss_before, started = max_rss_mb(), time.monotonic()
    run = poll_and_process(source)
    elapsed, growth = time.monotonic() - started, max_rss_mb() - rss_before

    print(f"{row['file']}: {elapsed:.2f} s, {growth:.0f} MB more")
    # Guards against a hang or a blow-up (an entity bomb, a parser looping), not speed goals: those
    # belong to the benchmarks. Generous, so that a loaded machine never trips them.
    assert elapsed < 60, f"{elapsed:.2f} s"
    assert growth < 200, f"{growth:.0f} MB"
    assert run.finished_at is not None and run.pending == 0
    source.refresh_from_db()
    rejected = bool(run.errors) and not Item.objects.filter(source=source).exists()
    outcome = expected_class(row)
    if outcome == "rejected":
        assert rejected, (row["expected_ingest_behaviour"], run.errors)
        assert source.last_error and source.failures_in_row == 1
        assert run.errors[0]["stage"] in {"feed", "fetch"} and run.errors[0]["message"]
    elif outcome == "taken":
        assert not rejected, (row["expected_ingest_behaviour"], run.errors)
        assert source.failures_in_row == 0
        # Every entry ended somewhere, and every failure says why.
        for item in Item.objects.filter(source=source):
            assert item.state in {"done", "duplicate", "no_text", "failed"}
            assert item.state in {"done", "duplicate"} or item.error
    for document in Document.objects.filter(items__source=source):
        assert "\x00" not in document.text and "<script" not in document.text.lower()
    if row["file"].startswith("xml-attacks/") and outcome != "taken":
        assert "<!ENTITY" not in "".join(Document.objects.values_list("text", flat=True))


def test_the_ssrf_feed_s_links_are_all_refused_before_any_connection(site):
    """The MANIFEST's rule for this feed: every item's link refused by the fetcher's checks, 0 outbound
    connections. The test site's own port is allow-listed; its other loopback ports are not."""
    path = BADINPUT / "feeds" / "authored_ssrf_item_links.xml"
    body = path.read_bytes()
    site.pages["/input"] = (200, served_headers(path, body), body)
    source = Source.objects.create(name="ssrf", kind="feed", url=site.url("/input"))

    poll_and_process(source)

    items = list(Item.objects.filter(source=source))
    assert len(items) == 25
    for item in items:
        assert item.state == "failed" and "refused: " in item.error, (item.url, item.state, item.error)
        assert "connect" not in item.error.lower(), item.error  # refused by the checks, not by a closed port
    assert site.hits == ["/input"]
