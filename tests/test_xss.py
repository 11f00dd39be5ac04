"""Stored XSS: hostile text from the web is shown as text everywhere it is shown.

The `xss_*` feeds of ../shared/badinput go through the whole ingest, and their raw markup is also
stored as a document's text, title, a statement's quote and a new speaker's name (what a hostile
page could make the extractor store). Each page that shows them, public and admin, is
compared with the same page for a harmless document: it must hold no more scripts, frames,
objects, refreshes or event-handler attributes, and no link or source that is not http(s) or
relative. The API serves JSON only (no browsable HTML), marked so that no browser sniffs it as a page.
"""

import hashlib
from datetime import date

import lxml.html
import pytest

from positions.models import Actor, Document, Stance, Statement
from positions.vocabularies import ReviewState
from tests import factories
from tests.conftest import BADINPUT
from tests.test_ingest import poll_and_process

pytestmark = pytest.mark.django_db

XSS_FEEDS = sorted((BADINPUT / "feeds").glob("xss_*"))
ACTIVE_TAGS = ("script", "iframe", "object", "embed", "frame", "base")
SAFE_SCHEMES = ("http://", "https://", "/", "#", "?", "mailto:")


def active_content(html: str) -> dict:
    """What in a page can run or load something: elements, handler attributes, unsafe URLs."""
    tree = lxml.html.document_fromstring(html)
    found = {tag: len(tree.xpath(f"//{tag}")) for tag in ACTIVE_TAGS}
    found["refresh"] = len(tree.xpath("//meta[translate(@http-equiv,'REFSH','refsh')='refresh']"))
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    found["handlers"] = sorted(f"{el.tag}@{name}" for el in elements for name in el.attrib if name.startswith("on"))
    unsafe = []
    for el in elements:
        for name in ("href", "src", "action", "formaction", "data", "xlink:href"):
            value = (el.get(name) or "").strip().lower()
            if value and not value.startswith(SAFE_SCHEMES) and ":" in value.split("/")[0]:
                unsafe.append(f"{el.tag}@{name}={value[:40]}")
    found["unsafe_urls"] = unsafe
    return found


def hostile_text() -> str:
    return "\n\n".join(path.read_text(encoding="utf-8", errors="replace") for path in XSS_FEEDS)


def _document(text: str, title: str, speaker_name: str, proposal) -> tuple[Document, Statement]:
    document = Document.objects.create(
        url=f"https://example.org/{hashlib.sha256(text.encode()).hexdigest()[:12]}",
        title=title,
        publisher=title[:100],
        published=date(2011, 12, 6),
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    speaker = Actor.objects.create(
        name=speaker_name[:200],
        slug=f"s-{hashlib.sha256(speaker_name.encode()).hexdigest()[:10]}",
        review_state=ReviewState.PENDING,
    )
    end = min(len(text), 400)
    statement = Statement.objects.create(
        document=document,
        quote=text[:end],
        start=0,
        end=end,
        mode="direct",
        speaker=speaker,
        party=proposal.proponent,
        said_on=date(2011, 12, 6),
        kind="assessment",
        proposal=proposal,
        review_state=ReviewState.PENDING,
    )
    statement.topics.add(proposal.issue)
    stance = Stance.objects.create(
        party=proposal.proponent, proposal=proposal, stance="supports", effective=date(2011, 12, 6)
    )
    stance.evidence.add(statement)
    return document, statement


@pytest.fixture
def pair(db):
    """A hostile and a harmless document, alike in everything else, each in its own negotiation."""
    made = []
    for text, title, name in [
        (hostile_text(), '<script>alert("t")</script><img src=x onerror=alert(1)>', '<svg onload=alert("n")>'),
        ("A harmless text about missile defence. " * 60, "A harmless title", "Harmless Speaker"),
    ]:
        issue = factories.issue()
        proposal = factories.proposal(negotiation=issue.negotiation, issue=issue)
        proposal.negotiation.parties.add(proposal.proponent)
        made.append((proposal, *_document(text, title, name, proposal)))
    return made


def pages_of(proposal, document, statement) -> list[str]:
    n = proposal.negotiation
    return [
        f"/documents/{document.pk}/",
        f"/proposals/{proposal.pk}/",
        f"/negotiations/{n.slug}/matrix/?as_of=2011-12-31",
        f"/negotiations/{n.slug}/changes/?from=2011-01-01&to=2011-12-31",
        f"/parties/{proposal.proponent.slug}/",
        f"/actors/{statement.speaker.slug}/",
        f"/search/?negotiation={n.slug}",
        f"/admin/positions/statement/?review_state__exact=pending&q={statement.pk}",
        f"/admin/positions/statement/{statement.pk}/change/",
        f"/admin/positions/statement/{statement.pk}/history/",
        f"/admin/positions/document/{document.pk}/change/",
        f"/admin/positions/actor/{statement.speaker_id}/change/",
    ]


def test_hostile_text_is_shown_as_text_on_every_page(client, pair, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", password=None)
    client.force_login(admin)
    (hostile_proposal, hostile_doc, hostile_statement), (calm_proposal, calm_doc, calm_statement) = pair
    for hostile_url, calm_url in zip(
        pages_of(hostile_proposal, hostile_doc, hostile_statement),
        pages_of(calm_proposal, calm_doc, calm_statement),
        strict=True,
    ):
        hostile, calm = client.get(hostile_url), client.get(calm_url)
        assert hostile.status_code == calm.status_code == 200, hostile_url
        body = hostile.content.decode()
        assert "&lt;" in body, hostile_url  # the hostile text is on the page, escaped
        assert active_content(body) == active_content(calm.content.decode()), hostile_url


def test_the_json_api_sends_hostile_text_as_json_that_no_browser_sniffs(client, pair):
    _proposal, document, statement = pair[0]
    for url in (f"/api/v1/statements/{statement.pk}", f"/api/v1/documents/{document.pk}"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "<script" in response.json()["quote" if "statements" in url else "text"]  # kept as data


@pytest.mark.parametrize("path", XSS_FEEDS, ids=[p.name for p in XSS_FEEDS])
def test_each_xss_feed_ingested_shows_no_active_content_on_its_document_page(client, site, path):
    from positions.models import Source

    body = path.read_bytes()
    site.pages["/feed"] = (200, {"Content-Type": "application/xml"}, body)
    source = Source.objects.create(name=path.name, kind="feed", url=site.url("/feed"))
    poll_and_process(source)
    baseline = None
    for document in Document.objects.filter(items__source=source):
        response = client.get(f"/documents/{document.pk}/")
        assert response.status_code == 200
        found = active_content(response.content.decode())
        baseline = baseline or active_content(client.get("/").content.decode())
        assert found["handlers"] == [] and found["unsafe_urls"] == []
        assert all(found[tag] <= baseline[tag] for tag in ACTIVE_TAGS if tag != "script")
        assert found["script"] <= 1  # the page's own small script, nothing from the feed
