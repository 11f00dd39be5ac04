"""Acceptance 4: the Atom feeds of changes parse cleanly (feedparser, bozo == 0) and list the changes."""

import csv
import html
import re
import xml.etree.ElementTree as ET
from datetime import date

import feedparser
import pytest
from django.urls import URLPattern, get_resolver
from lxml import html as lxml_html

from positions.models import Party, Proposal, Stance, StatusChange
from positions.vocabularies import ReviewState
from tests import factories as f
from tests.conftest import BADINPUT, real_changes

pytestmark = pytest.mark.django_db

SEED = "nato-russia-missile-defence"


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    # Bytes, never a str: feedparser would take a str for a URL or a path and open it.
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def visible(rows):
    return rows.exclude(review_state=ReviewState.REJECTED)


def test_it_lists_a_proposals_changes(client, seeded):
    proposal = Proposal.objects.get(slug="european-phased-adaptive-approach")
    feed = parse(client, f"/proposals/{proposal.id}/feed.atom")
    # Restatements are evidence, not changes: since runs replaced last restatements, they have no entry.
    expected = len(real_changes(visible(Stance.objects.filter(proposal=proposal)), "stance"))
    expected += len(real_changes(visible(StatusChange.objects.filter(proposal=proposal)), "status"))
    assert len(feed.entries) == expected
    titles = [entry.title for entry in feed.entries]
    assert f"Russia opposes: {proposal.title}" in titles
    assert titles.count(f"Russia opposes: {proposal.title}") == 1  # restated on 2012-12-20: no second entry
    assert not any("still" in title for title in titles)
    assert all(proposal.title in title for title in titles)
    # Newest first, each entry with its own id (its anchor on the proposal page).
    published = [entry.published_parsed for entry in feed.entries]
    assert published == sorted(published, reverse=True)
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    russia = next(e for e in feed.entries if e.title == f"Russia opposes: {proposal.title}")
    assert "was: conditional" in russia.summary
    assert russia.link.startswith(f"http://testserver/proposals/{proposal.id}/#stance-")


def test_it_lists_a_partys_stance_changes_only(client, seeded):
    russia = Party.objects.get(name="Russia")
    feed = parse(client, f"/parties/{russia.slug}/feed.atom")
    assert len(feed.entries) == min(50, len(real_changes(visible(Stance.objects.filter(party=russia)), "stance")))
    assert feed.entries and all(entry.title.startswith("Russia ") for entry in feed.entries)


def test_it_lists_a_negotiations_changes_newest_first(client, seeded):
    proposal = Proposal.objects.get(slug="two-separate-systems")
    newest = f.stance(
        proposal=proposal, party=Party.objects.get(name="United States"), stance="supports", effective=date(2013, 12, 1)
    )
    turkey = Party.objects.get(name="Turkey")
    rejected = f.stance(proposal=proposal, party=turkey, effective=date(2013, 12, 2), review_state="rejected")
    feed = parse(client, f"/negotiations/{SEED}/feed.atom")
    total = len(real_changes(visible(Stance.objects.filter(proposal__negotiation__slug=SEED)), "stance"))
    total += len(real_changes(visible(StatusChange.objects.filter(proposal__negotiation__slug=SEED)), "status"))
    assert len(feed.entries) == min(50, total)
    assert feed.entries[0].title == f"United States supports: {proposal.title}"
    assert feed.entries[0].id.endswith(f"#stance-{newest.id}")
    assert "was: no recorded stance" in feed.entries[0].summary
    assert not any(entry.id.endswith(f"#stance-{rejected.id}") for entry in feed.entries)  # it changed nothing


SUMMARY = re.compile(r"From (?P<date>\d{4}-\d{2}-\d{2}): (?P<value>.+?) \(was: (?P<previous>.+?)\)\.")


def test_no_change_in_the_overview_or_the_feeds_restates_the_value_before_it(client, seeded):
    # Acceptance 3 of issue 15, over the whole seed. The seed does restate, so this can fail.
    stances = visible(Stance.objects.filter(proposal__negotiation__slug=SEED))
    statuses = visible(StatusChange.objects.filter(proposal__negotiation__slug=SEED))
    assert len(real_changes(stances, "stance")) < stances.count()

    overview = lxml_html.fromstring(client.get(f"/negotiations/{SEED}/").content)
    rows = overview.xpath('//section[@aria-labelledby="recent-h"]//tbody/tr')
    cells = [[" ".join(td.text_content().split()) for td in tr.xpath("td")] for tr in rows]
    assert cells and all(before != after.removesuffix(" unreviewed") for *_, before, after in cells)

    urls = [f"/negotiations/{SEED}/feed.atom"]
    urls += [f"/parties/{slug}/feed.atom" for slug in Party.objects.values_list("slug", flat=True)]
    urls += [f"/proposals/{pk}/feed.atom" for pk in Proposal.objects.values_list("pk", flat=True)]
    by_proposal = 0
    for url in urls:
        for entry in parse(client, url).entries:
            found = SUMMARY.match(entry.summary)
            assert found and found["value"] != found["previous"], (url, entry.title, entry.summary)
            by_proposal += url.startswith("/proposals/")
    # The proposals' feeds list every change of the seed (each has fewer than 50), so none was missed.
    assert by_proposal == len(real_changes(stances, "stance")) + len(real_changes(statuses, "status"))


def test_it_escapes_what_came_from_outside(client, db):
    proposal = f.proposal(title="Plan <b>&</b> “quotes”")
    f.stance(proposal=proposal, party=f.party(name="A & B <i>"), note="Note with <script>x</script> & more")
    feed = parse(client, f"/proposals/{proposal.id}/feed.atom")
    assert feed.entries[0].title == "A & B <i> supports: Plan <b>&</b> “quotes”"


def test_it_is_a_404_for_unknown_things(client, db):
    for url in ("/negotiations/none/feed.atom", "/parties/none/feed.atom", "/proposals/999999/feed.atom"):
        assert client.get(url).status_code == 404


# --- hostile notes and titles: every xss_* file of the bad-input corpus, by its MANIFEST ---------

with (BADINPUT / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
    XSS_FILES = sorted(row["file"] for row in csv.DictReader(manifest, delimiter="\t") if "/xss_" in row["file"])
ATOM = "{http://www.w3.org/2005/Atom}"
LIVE_TAG = re.compile(r"<\s*[A-Za-z!/?]")


def feed_routes() -> set[str]:
    return {f"pages:{e.name}" for e in get_resolver("positions.pages.urls").url_patterns if isinstance(e, URLPattern)}


def test_the_xss_test_reads_every_feed_route():
    assert {name for name in feed_routes() if name.endswith("-feed")} == {
        "pages:negotiation-feed",
        "pages:party-feed",
        "pages:proposal-feed",
    }


def test_the_manifest_lists_xss_files():
    assert len(XSS_FILES) >= 10


def declared_html(xml: bytes) -> list[str]:
    """The text of every element a reader would render as HTML, with markup as a reader sees it
    after the XML is parsed (one level of unescaping): an xhtml element's children are live tags."""
    found = []
    for element in ET.fromstring(xml).iter():
        kind = element.get("type", "text")
        if kind == "html":
            found.append(element.text or "")
        elif kind == "xhtml":
            found.append(ET.tostring(element, encoding="unicode"))
    return found


@pytest.mark.parametrize("name", XSS_FILES)
def test_no_feed_declares_a_hostile_text_html(client, db, name):
    raw = (BADINPUT / name).read_text(encoding="utf-8", errors="replace")
    # The markup as the file holds it, and once decoded: what a note pasted from either would carry.
    hostile = f"{raw}\n{html.unescape(raw)}\n<img src=x onerror=alert(11)>"
    hostile = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", hostile)  # XML 1.0 cannot carry them
    negotiation = f.negotiation()
    party = f.party(name=f"<b onmouseover=alert(1)>{name}"[:120])
    negotiation.parties.add(party)
    proposal = f.proposal(negotiation=negotiation, title=f"<script>alert(2)</script>{name}")
    f.stance(proposal=proposal, party=party, note=hostile)
    f.status_change(proposal=proposal, note=hostile)
    for url in (
        f"/negotiations/{negotiation.slug}/feed.atom",
        f"/parties/{party.slug}/feed.atom",
        f"/proposals/{proposal.id}/feed.atom",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert [text for text in declared_html(response.content) if LIVE_TAG.search(text)] == [], url
        # The note is all there, as text: a reader shows what the curator wrote.
        summaries = [e.text for e in ET.fromstring(response.content).iter(f"{ATOM}summary")]
        assert summaries and all(text.endswith(hostile.strip()) for text in summaries), url
