"""Acceptance 4: the Atom feeds of changes parse cleanly (feedparser, bozo == 0) and list the changes."""

from datetime import date

import feedparser
import pytest

from positions.models import Party, Proposal, Stance, StatusChange
from positions.vocabularies import ReviewState
from tests import factories as f

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
    expected = visible(Stance.objects.filter(proposal=proposal)).count()
    expected += visible(StatusChange.objects.filter(proposal=proposal)).count()
    assert len(feed.entries) == expected
    titles = [entry.title for entry in feed.entries]
    assert f"Russia opposes: {proposal.title}" in titles
    assert f"Russia still opposes: {proposal.title}" in titles  # restated on 2012-12-20
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
    assert len(feed.entries) == min(50, visible(Stance.objects.filter(party=russia)).count())
    assert feed.entries and all(entry.title.startswith("Russia ") for entry in feed.entries)


def test_it_lists_a_negotiations_changes_newest_first(client, seeded):
    proposal = Proposal.objects.get(slug="two-separate-systems")
    newest = f.stance(
        proposal=proposal, party=Party.objects.get(name="United States"), stance="supports", effective=date(2013, 12, 1)
    )
    turkey = Party.objects.get(name="Turkey")
    rejected = f.stance(proposal=proposal, party=turkey, effective=date(2013, 12, 2), review_state="rejected")
    feed = parse(client, f"/negotiations/{SEED}/feed.atom")
    total = visible(Stance.objects.filter(proposal__negotiation__slug=SEED)).count()
    total += visible(StatusChange.objects.filter(proposal__negotiation__slug=SEED)).count()
    assert len(feed.entries) == min(50, total)
    assert feed.entries[0].title == f"United States supports: {proposal.title}"
    assert feed.entries[0].id.endswith(f"#stance-{newest.id}")
    assert "was: no recorded stance" in feed.entries[0].summary
    assert not any(entry.id.endswith(f"#stance-{rejected.id}") for entry in feed.entries)  # it changed nothing


def test_it_escapes_what_came_from_outside(client, db):
    proposal = f.proposal(title="Plan <b>&</b> “quotes”")
    f.stance(proposal=proposal, party=f.party(name="A & B <i>"), note="Note with <script>x</script> & more")
    feed = parse(client, f"/proposals/{proposal.id}/feed.atom")
    assert feed.entries[0].title == "A & B <i> supports: Plan <b>&</b> “quotes”"


def test_it_is_a_404_for_unknown_things(client, db):
    for url in ("/negotiations/none/feed.atom", "/parties/none/feed.atom", "/proposals/999999/feed.atom"):
        assert client.get(url).status_code == 404
