"""`manage.py ingest` and `manage.py poll`: what they store, what they print, how they exit."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from positions.ingest.text import normalize_text
from positions.models import Document, IngestRun, Issue, Item, Negotiation, Source, Statement
from tests.conftest import CORPUS, article

pytestmark = pytest.mark.django_db

RAW = CORPUS / "raw"


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


DATELINED = (
    "NATO offers Russia two joint missile defence centres\n\n"
    "BRUSSELS, Dec. 8, 2011 – NATO Secretary General Anders Fogh Rasmussen said on Monday that NATO would not "
    "give Russia legally binding guarantees on missile defence.\n"
)


@pytest.fixture
def datelined(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(DATELINED, encoding="utf-8")
    return path


def ingest(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_text_file_gets_the_date_and_headline_its_text_gives_and_no_path_as_publisher(datelined):
    ingest(datelined)

    document = Document.objects.get()
    assert (document.published, document.published_raw) == (date(2011, 12, 8), "Dec. 8, 2011")
    assert document.title == "NATO offers Russia two joint missile defence centres"
    assert document.publisher == ""
    assert str(datelined.parent) not in document.source.name and document.source.name.startswith("files: x.txt")
    said = Statement.objects.get(document=document, quote__startswith="NATO would not give")
    assert (said.said_on, said.said_precision) == (date(2011, 12, 5), "day")  # "on Monday" before a Thursday


def test_what_the_command_is_told_wins_over_what_the_text_says(datelined):
    ingest(datelined, "--published", "2011-12-09", "--title", "Rasmussen on guarantees", "--publisher", "NATO")

    document = Document.objects.get()
    assert (document.published, document.title, document.publisher) == (
        date(2011, 12, 9),
        "Rasmussen on guarantees",
        "NATO",
    )
    assert document.published_raw == "Dec. 8, 2011"  # what the text said, kept for a curator
    given = {"title": "Rasmussen on guarantees", "published": "2011-12-09", "publisher": "NATO"}
    assert Item.objects.get().given == given


def test_without_a_headline_the_file_s_name_is_the_title(tmp_path):
    path = tmp_path / "rasmussen-interview.txt"
    path.write_text("Rasmussen said there was no need for a legally binding agreement with Russia.\n")
    ingest(path)
    assert Document.objects.get().title == "rasmussen-interview"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--published", "2011-13-01"], r"--published.*'2011-13-01' is not a date: give it as YYYY-MM-DD"),
        (["--published", "8 Dec 2011"], r"--published.*is not a date"),
        (["--published", "2999-01-01"], r"--published.*2999-01-01 is after today"),
        (["--negotiation", "no-such-talks"], r"--negotiation: no negotiation with the slug 'no-such-talks'"),
    ],
)
def test_a_bad_option_is_a_clear_error_naming_it(datelined, args, message):
    with pytest.raises(CommandError, match=message):
        ingest(datelined, *args)
    assert not Document.objects.exists()


def test_a_title_names_one_document(datelined, tmp_path):
    with pytest.raises(CommandError, match="--title names one document"):
        ingest(tmp_path, "--title", "All of them")
    with pytest.raises(CommandError, match="--title names one document"):
        ingest(datelined, datelined, "--title", "Twice")


def test_documents_are_filed_under_the_negotiation_given(datelined, seeded):
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    other = Negotiation.objects.create(slug="other-talks", title="Other talks")
    Issue.objects.create(negotiation=other, key="legal-guarantees", title="Guarantees elsewhere")
    ingest(datelined, "--negotiation", negotiation.slug)

    document = Document.objects.get(source__kind="files")
    assert document.source.negotiation == negotiation
    # Its topics are the issues of its negotiation only, though another has an issue of the same key.
    topics = {issue.negotiation_id for s in document.statements.all() for issue in s.topics.all()}
    assert topics == {negotiation.pk}
    with pytest.raises(CommandError, match=r"--negotiation: files: x\.txt .* is filed under nato-russia"):
        ingest(datelined, "--negotiation", other.slug)


def test_a_file_ingested_before_keeps_what_it_had_and_the_command_says_so(datelined):
    ingest(datelined)
    _, err = ingest(datelined, "--published", "2011-12-09")
    assert Document.objects.get().published == date(2011, 12, 8)
    assert "apply to new documents only" in err


def test_the_migration_takes_paths_off_the_file_sources_and_documents_stored_before():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("positions.migrations.0014_file_sources_name_no_path")
    old = Source.objects.create(name="files: /tmp/drop/x.txt", kind="files", path="/tmp/drop/x.txt", is_active=False)
    feed = Source.objects.create(name="Itar-Tass", kind="feed", url="https://example.org/feed")
    for n, source in enumerate((old, feed)):
        Document.objects.create(
            source=source, title="T", publisher=source.name, text=f"Text {n}.", content_hash=f"{n}" * 64
        )

    migration.forwards(apps, None)

    assert Source.objects.get(pk=old.pk).name.startswith("files: x.txt (")
    assert sorted(Document.objects.values_list("publisher", flat=True)) == ["", "Itar-Tass"]
