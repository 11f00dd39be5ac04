"""`manage.py ingest` and `manage.py poll`: what they store, what they print, how they exit."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from positions.ingest.text import normalize_text
from positions.models import Document, IngestRun, Item, Source
from tests.conftest import SHARED, article

pytestmark = pytest.mark.django_db

RAW = SHARED / "corpus" / "raw"


def test_every_corpus_document_ingests_from_its_file_with_its_text_intact():
    files = sorted(RAW.glob("*.txt"))
    out = StringIO()
    call_command("ingest", str(RAW), stdout=out, stderr=StringIO())

    run = IngestRun.objects.get()
    assert (run.seen, run.new, run.failed, run.no_text) == (len(files), len(files), 0, 0)
    for path in files:
        item = Item.objects.get(key=f"file:{path.resolve()}")
        assert item.document.text == normalize_text(path.read_text(encoding="utf-8")), path.name
    assert f"{len(files):>9}" in out.getvalue()


def test_ingesting_a_file_again_adds_nothing_and_still_succeeds(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Rasmussen said there was no need for a legally binding agreement with Russia.\n")
    call_command("ingest", str(note), stdout=StringIO(), stderr=StringIO())
    call_command("ingest", str(note), stdout=StringIO(), stderr=StringIO())
    assert Document.objects.count() == 1 and Item.objects.count() == 1
    assert list(IngestRun.objects.order_by("started_at").values_list("new", "known")) == [(1, 0), (0, 1)]


def test_it_fails_when_nothing_could_be_ingested(settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    err = StringIO()
    with pytest.raises(CommandError, match="nothing could be ingested"):
        call_command("ingest", "http://127.0.0.1:9/feed.xml", stdout=StringIO(), stderr=err)
    assert "not a public address" in err.getvalue() or "refused" in err.getvalue()


def test_it_refuses_a_path_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("ingest", str(tmp_path / "missing.txt"))


def test_it_ingests_a_page_by_url(site):
    site.pages["/page"] = (200, {"Content-Type": "text/html"}, article("A page", ["Words " * 30] * 3))
    out = StringIO()
    call_command("ingest", site.url("/page"), stdout=out, stderr=StringIO())
    assert Source.objects.get().kind == "page" and Document.objects.get().title == "A page"


def test_poll_runs_the_given_source_and_reports_unknown_ids(site):
    site.pages["/page"] = (200, {"Content-Type": "text/html"}, article("Polled", ["Words " * 30] * 3))
    source = Source.objects.create(name="page", kind="page", url=site.url("/page"))
    call_command("poll", "--source", str(source.pk), stdout=StringIO(), stderr=StringIO())
    assert Document.objects.get().title == "Polled"
    with pytest.raises(CommandError, match="no source with id 999"):
        call_command("poll", "--source", "999")


def test_poll_says_so_when_no_source_is_due():
    out = StringIO()
    call_command("poll", stdout=out)
    assert "no source is due" in out.getvalue()
