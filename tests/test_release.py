"""Issue 19, point 6: the codebook and `manage.py release`. Acceptance 6: two releases of unchanged data are
byte-identical but for the date, and a release read back with Python's csv module holds every approved
statement of the seed."""

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import html

from positions.csv_writer import PREFIX
from positions.models import Actor, Statement
from positions.vocabularies import ProposalStatus, ReviewState, StanceValue, StatementKind

pytestmark = pytest.mark.django_db

TABLES = {
    "statements.csv",
    "stances.csv",
    "statuses.csv",
    "proposals.csv",
    "parties.csv",
    "actors.csv",
    "roles.csv",
    "documents.csv",
    "codebook.csv",
}


@pytest.fixture
def releases(settings, tmp_path) -> Path:
    settings.RELEASES_DIR = tmp_path / "releases"
    return settings.RELEASES_DIR


def release(day: str, **options) -> str:
    out = io.StringIO()
    call_command("release", date=day, stdout=out, **options)
    return out.getvalue()


def read_csv(path: Path) -> list[dict]:
    """A release's table as Python's csv module reads it, with the CSV writer's formula guard undone
    (positions/csv_writer.py: strip the one leading apostrophe it adds)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [{k: v[1:] if isinstance(v, str) and v.startswith(PREFIX) else v for k, v in row.items()} for row in rows]


def test_two_releases_of_the_same_record_are_the_same_bytes_but_the_date(releases, seeded):
    release("2026-12-01")
    release("2026-12-02")
    first, second = releases / "2026.12.01", releases / "2026.12.02"
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) == sorted(TABLES | {"codebook.md", "manifest.json"})
    for name in names:
        if name != "manifest.json":
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # The manifest differs by the date alone (and the version, which is the date).
    one = (first / "manifest.json").read_text(encoding="utf-8")
    two = (second / "manifest.json").read_text(encoding="utf-8")
    assert one != two
    assert one.replace("2026.12.01", "2026.12.02").replace("2026-12-01", "2026-12-02") == two


def test_a_release_read_back_with_csv_holds_every_approved_statement_of_the_seed(releases, seeded):
    release("2026-12-01")
    rows = read_csv(releases / "2026.12.01" / "statements.csv")
    found = {(row["quote"], row["said_on"]) for row in rows}
    seed_statements = seeded["statements"]
    assert len(seed_statements) > 100
    for statement in seed_statements:  # the seed's statements are all approved (positions/services/seed.py)
        assert (statement["quote"], statement["said_on"]) in found, statement["key"]
    assert len(rows) == Statement.objects.filter(review_state=ReviewState.APPROVED).count()
    assert {row["review_state"] for row in rows} == {"approved"}


def test_the_manifest_counts_the_rows_and_checks_every_file(releases, seeded):
    output = release("2026-12-01")
    folder = releases / "2026.12.01"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["version"], manifest["date"]) == ("2026.12.01", "2026-12-01")
    assert "release 2026.12.01 (2026-12-01;" in manifest["citation"] and manifest["citation"] in output
    for entry in manifest["files"]:
        data = (folder / entry["name"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
        if entry["name"].endswith(".csv"):
            assert entry["rows"] == len(read_csv(folder / entry["name"])), entry["name"]
    assert {e["name"] for e in manifest["files"]} == TABLES | {"codebook.md"}
    assert not [p for p in releases.iterdir() if p.name.startswith(".")]  # no temporary folder left behind


def test_a_release_never_changes_once_made(releases, seeded):
    release("2026-12-01")
    manifest = releases / "2026.12.01" / "manifest.json"
    before = manifest.read_bytes()
    Statement.objects.filter(pk=Statement.objects.order_by("id").first().pk).update(cue="remarked")
    with pytest.raises(CommandError, match="exists already"):
        release("2026-12-01")
    with pytest.raises(CommandError, match="exists already"):
        release("2026-12-05", release_version="2026.12.01")
    assert manifest.read_bytes() == before
    assert not [p for p in releases.iterdir() if p.name.startswith(".")]
    release("2026-12-01", release_version="2026.12.01-2")  # another name is another release
    assert (releases / "2026.12.01-2" / "manifest.json").exists()


@pytest.mark.parametrize("bad", ["../escape", ".hidden", "a/b", ""])
def test_it_refuses_a_version_that_is_not_a_plain_name(releases, db, bad):
    with pytest.raises(CommandError, match="release version"):
        release("2026-12-01", release_version=bad)


def test_a_release_holds_only_what_the_public_sees(releases, seeded):
    pending, rejected = Statement.objects.order_by("id")[:2]
    Statement.objects.filter(pk=pending.pk).update(review_state=ReviewState.PENDING)
    Statement.objects.filter(pk=rejected.pk).update(review_state=ReviewState.REJECTED)
    speaker = Actor.objects.filter(statements__isnull=False).order_by("id").first()
    Actor.objects.filter(pk=speaker.pk).update(review_state=ReviewState.REJECTED)
    release("2026-12-01")
    folder = releases / "2026.12.01"
    ids = {int(row["statement_id"]) for row in read_csv(folder / "statements.csv")}
    assert pending.pk not in ids and rejected.pk not in ids
    assert speaker.name not in {row["speaker"] for row in read_csv(folder / "statements.csv")}
    assert speaker.slug not in {row["slug"] for row in read_csv(folder / "actors.csv")}
    for table in ("stances.csv", "statuses.csv"):
        cited = {int(i) for row in read_csv(folder / table) for i in row["evidence"].split(";") if i}
        assert cited and not cited & {pending.pk, rejected.pk}, table
    header = (folder / "documents.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "text" not in header.split(",") and '"content_sha256"' in header


def test_the_codebook_defines_every_value_with_an_approved_example(releases, seeded):
    release("2026-12-01")
    rows = read_csv(releases / "2026.12.01" / "codebook.csv")
    by_section: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_section.setdefault(row["section"], {})[row["value"]] = row
    assert set(by_section["kind"]) == set(StatementKind.values)
    assert set(by_section["stance"]) == set(StanceValue.values)
    assert set(by_section["status"]) == set(ProposalStatus.values)
    assert set(by_section["topic"]) == {issue["key"] for issue in seeded["issues"]}
    assert set(by_section["party"]) == {party["slug"] for party in seeded["parties"]}
    assert all(row["definition"] for row in rows)
    assert by_section["kind"]["threat"]["cameo"] == "13"
    quotes = {s.id: s for s in Statement.objects.filter(review_state=ReviewState.APPROVED)}
    # The seed quotes every kind and grounds every stance and status with evidence: each has its example.
    for section in ("kind", "stance", "status"):
        for value, row in by_section[section].items():
            statement = quotes[int(row["example_statement_id"])]  # an approved statement of the record
            assert row["example_quote"] == statement.quote, (section, value)
            assert row["example_said_on"] == statement.said_on.isoformat() and row["example_source"]
            if section == "kind":
                assert statement.kind == value
            elif section == "stance":
                assert statement.stances.filter(stance=value, review_state=ReviewState.APPROVED).exists()
            else:
                assert statement.status_changes.filter(status=value, review_state=ReviewState.APPROVED).exists()
    markdown = (releases / "2026.12.01" / "codebook.md").read_text(encoding="utf-8")
    assert "## Statement kinds" in markdown and by_section["kind"]["proposal"]["example_quote"].split()[0] in markdown


def test_the_codebook_page_and_its_downloads(client, seeded):
    page = html.fromstring(client.get("/codebook/").content)
    for kind in StatementKind.values:
        assert page.xpath(f'//dt[@id="kinds-{kind}"]'), kind
    assert page.xpath('//blockquote[contains(@class, "example")]')
    markdown = client.get("/codebook.md")
    assert markdown["Content-Type"].startswith("text/markdown") and b"## Stances" in markdown.content
    rows = list(csv.DictReader(io.StringIO(client.get("/codebook.csv").content.decode())))
    assert {row["section"] for row in rows} == {"kind", "stance", "status", "topic", "party"}


def test_the_site_lists_each_release_with_a_citation_and_its_files(client, releases, seeded):
    assert "No release has been made yet" in client.get("/releases/").content.decode()
    release("2026-12-01")
    page = html.fromstring(client.get("/releases/").content)
    cite = page.xpath('//section[@id="release-2026.12.01"]//*[contains(@class, "cite-text")]')[0].text_content()
    assert "release 2026.12.01 (2026-12-01;" in cite and "http://testserver/releases/#release-2026.12.01" in cite
    download = client.get("/releases/2026.12.01/statements.csv")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == (releases / "2026.12.01" / "statements.csv").read_bytes()
    assert client.get("/releases/2026.12.01/manifest.json").status_code == 200
    for missing in ("/releases/2026.12.01/secret.txt", "/releases/2026.12.02/statements.csv", "/releases/../x/y"):
        assert client.get(missing).status_code == 404, missing

    body = client.get("/api/v1/releases").json()
    assert [r["version"] for r in body] == ["2026.12.01"]
    files = {f["name"]: f for f in body[0]["files"]}
    assert set(files) == TABLES | {"codebook.md"}
    assert files["statements.csv"]["url"] == "http://testserver/releases/2026.12.01/statements.csv"
    assert body[0]["citation"] == cite
