"""The other pages: overview, proposal, document, party, actor, search; and the CSV downloads."""

import csv
import io
from datetime import date

import pytest
from lxml import html

from positions.models import Party, Proposal, Statement
from positions.pages.views import PAGE_SIZE
from tests import factories as f
from tests.conftest import real_changes

pytestmark = pytest.mark.django_db

SEED = "nato-russia-missile-defence"


def rows_of(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_it_sends_the_root_to_the_negotiations(client, seeded):
    page = html.fromstring(client.get("/").content)
    assert page.xpath(f'//a[@href="/negotiations/{SEED}/"]')
    assert page.xpath('//a[@class="skip" and @href="#main"]')
    assert page.xpath('//meta[@name="viewport"]')


def test_it_shows_the_overview_with_current_status_and_recent_changes(client, seeded):
    page = html.fromstring(client.get(f"/negotiations/{SEED}/").content)
    rows = page.xpath('//section[@aria-labelledby="proposals-h"]//tbody/tr')
    by_title = {tr.xpath("td")[0].text_content(): " ".join(tr.xpath("td")[-1].text_content().split()) for tr in rows}
    # The seed ended before today, so "current" is its last day.
    assert by_title["Two separate but cooperating missile defence systems"] == "stalled since 2012-12-20"
    assert by_title["Single joint NATO–Russia missile defence system (Russia's sectoral approach)"].startswith(
        "rejected"
    )
    assert len(page.xpath('//section[@aria-labelledby="proposals-h"]//tbody/tr')) == Proposal.objects.count()
    assert page.xpath('//section[@aria-labelledby="recent-h"]//tbody/tr//time')
    assert page.xpath(f'//link[@type="application/atom+xml" and @href="/negotiations/{SEED}/feed.atom"]')


def test_it_draws_the_proposal_timeline_and_lists_its_evidence(client, seeded):
    proposal = Proposal.objects.get(slug="legally-binding-guarantees")
    page = html.fromstring(client.get(f"/proposals/{proposal.id}/").content)
    svg = page.xpath("//svg")[0]
    assert svg.get("role") == "img" and svg.get("aria-labelledby")
    assert {"NATO", "Russia", "United States"} <= {t.text_content() for t in svg.xpath(".//text/title")}
    links = page.xpath('//ol[@class="events"]//blockquote/a/@href')
    assert links and all(href.startswith("/documents/") and "#s" in href for href in links)
    for href in links[:3]:
        document_id, statement_id = href.split("/")[2], int(href.split("#s")[1])
        assert Statement.objects.get(pk=statement_id).document_id == int(document_id)


def test_it_links_only_web_urls_of_documents(client, db):
    safe = f.document(text="Safe text here.", url="https://example.org/a")
    unsafe = f.document(text="Unsafe text here.", url="javascript:alert(1)")
    assert html.fromstring(client.get(f"/documents/{safe.id}/").content).xpath('//a[@href="https://example.org/a"]')
    page = client.get(f"/documents/{unsafe.id}/").content.decode()
    assert 'href="javascript' not in page
    assert "javascript:alert(1)" in page  # still shown, as text


def test_it_highlights_public_statements_only(client, db):
    document = f.document(text="One said <b>this</b>. Two said that.")
    shown = f.statement(document=document, start=0, end=20, speaker=f.actor(name="Ann"), kind="demand")
    hidden = f.statement(document=document, start=22, end=35, review_state="rejected")
    page = client.get(f"/documents/{document.id}/").content.decode()
    assert f'id="s{shown.id}"' in page and f'id="s{hidden.id}"' not in page
    assert "&lt;b&gt;this&lt;/b&gt;" in page and "<b>this</b>" not in page
    assert "Ann · demand · unreviewed" in page


def test_it_shows_a_party_with_its_roles_stances_and_statements(client, seeded):
    russia = Party.objects.get(name="Russia")
    page = html.fromstring(client.get(f"/parties/{russia.slug}/").content)
    text = " ".join(page.text_content().split())
    assert "Who spoke for it, and when" in text
    assert page.xpath('//section[@aria-labelledby="roles-h"]//tbody/tr/td/a[starts-with(@href, "/actors/")]')
    stances = page.xpath('//section[@aria-labelledby="stances-h"]//tbody/tr')
    # Its stance changes, not its restatements (deliberately: a restatement is evidence, not a change).
    assert len(stances) == len(real_changes(russia.stances.exclude(review_state="rejected"), "stance"))
    assert page.xpath('//section[@aria-labelledby="statements-h"]//blockquote')


def test_a_party_s_page_marks_a_pending_speaker_s_suggested_post_and_hides_a_rejected_one_s(client, db):
    party = f.party(name="Lithuania")
    f.role(actor=f.actor(name="Audronius Azubalis", review_state="pending"), party=party, title="Foreign Minister")
    f.role(actor=f.actor(name="Lithuanian Officials", review_state="rejected"), party=party, title="Official")
    page = html.fromstring(client.get(f"/parties/{party.slug}/").content)
    rows = page.xpath('//section[@aria-labelledby="roles-h"]//tbody/tr')
    assert [[" ".join(td.text_content().split()) for td in tr.xpath("td")] for tr in rows] == [
        ["Audronius Azubalis unreviewed", "Foreign Minister", "2010-01-01", "still held", "yes"]
    ]


def test_it_shows_an_actor_with_roles_over_time(client, db):
    actor = f.actor(name="Ann Example")
    f.role(actor=actor, title="Foreign minister", start=date(2009, 1, 1), end=date(2011, 5, 1))
    f.role(actor=actor, title="Senator", start=date(2012, 1, 1), speaks_for_party=False)
    f.statement(speaker=actor, review_state="approved")
    page = html.fromstring(client.get(f"/actors/{actor.slug}/").content)
    rows = [[td.text_content().strip() for td in tr.xpath("td")] for tr in page.xpath("//tbody/tr")]
    assert [row[1:] for row in rows] == [
        ["Foreign minister", "2009-01-01", "2011-05-01", "yes"],
        ["Senator", "2012-01-01", "still held", "no: a domestic voice"],
    ]
    text = " ".join(page.text_content().split())
    assert "1 of 1" in text


def test_it_hides_rejected_speakers(client, db):
    actor = f.actor(review_state="rejected")
    assert client.get(f"/actors/{actor.slug}/").status_code == 404


def test_it_searches_with_filters_and_pages(client, seeded):
    response = client.get("/search/", {"negotiation": SEED})
    page = response.context["page"]
    assert page.paginator.num_pages >= 2 and len(page.object_list) == PAGE_SIZE
    second = client.get("/search/", {"negotiation": SEED, "page": 2}).context["page"]
    assert not {s.id for s in page.object_list} & {s.id for s in second.object_list}

    russia = Party.objects.get(name="Russia")
    found = client.get("/search/", {"q": "guarantees", "party": russia.slug, "kind": "demand"}).context["page"]
    assert found.object_list
    for statement in found.object_list:
        assert statement.party_id == russia.id and statement.kind == "demand"
        assert "guarantee" in statement.quote.lower()

    dated = client.get("/search/", {"said_from": "2011-12-01", "said_to": "2011-12-31"}).context["page"]
    assert dated.object_list and all(date(2011, 12, 1) <= s.said_on <= date(2011, 12, 31) for s in dated.object_list)


def test_it_answers_a_bad_search_filter_with_a_400_page(client, db):
    assert client.get("/search/", {"said_from": "soon"}).status_code == 400
    assert client.get("/search/", {"kind": "gossip"}).status_code == 400


def test_it_searches_nothing_until_asked(client, seeded):
    response = client.get("/search/")
    assert response.context["page"] is None
    labels = html.fromstring(response.content).xpath("//form[@role='search']//label/@for")
    controls = html.fromstring(response.content).xpath("//form[@role='search']//*[self::input or self::select]/@id")
    assert set(controls) <= set(labels)  # every control has its label


def test_it_downloads_the_matrix_as_on_screen(client, seeded):
    response = client.get(f"/negotiations/{SEED}/matrix.csv", {"as_of": "2011-12-06"})
    assert response["Content-Disposition"] == f'attachment; filename="{SEED}-positions-2011-12-06.csv"'
    rows = rows_of(response)
    tabled = Proposal.objects.filter(first_stated__lte=date(2011, 12, 6)).count()
    assert len(rows) == tabled * 7  # every cell of the matrix: proposals × the seed's seven parties
    nato = next(r for r in rows if r["proposal"].startswith("Two separate") and r["party"] == "NATO")
    # Rasmussen set it out on 2011-01-19 (issue 15): the run, and the status, begin there.
    assert (nato["stance"], nato["stance_since"], nato["status"]) == ("supports", "2011-01-19", "tabled")
    assert nato["latest_quote"] and nato["document_id"]


def test_it_downloads_changes_evidence_and_search_results(client, seeded):
    changes = rows_of(client.get(f"/negotiations/{SEED}/changes.csv", {"from": "2011-07-01", "to": "2011-12-31"}))
    epaa = [
        r for r in changes if r["proposal"] == "European Phased Adaptive Approach (EPAA)" and r["party"] == "Russia"
    ]
    # Russia restated "conditional" on 2011-09-27: evidence, not a change, so no row (deliberately changed);
    # opposition dates from Medvedev's countermeasures of 2011-11-23 (issue 15), not the report of 2011-12-06.
    assert [(r["date"], r["previous"], r["value"]) for r in epaa] == [("2011-11-23", "conditional", "opposes")]

    proposal = Proposal.objects.get(slug="legally-binding-guarantees")
    evidence = rows_of(client.get(f"/proposals/{proposal.id}/evidence.csv"))
    assert evidence and all(
        r["quote"] == Statement.objects.get(pk=r["statement_id"]).quote for r in evidence if r["statement_id"]
    )

    params = {"q": "missile", "negotiation": SEED}
    found = rows_of(client.get("/search.csv", params))
    assert len(found) == client.get("/search/", params).context["page"].paginator.count > PAGE_SIZE


def test_it_is_a_404_for_unknown_pages(client, db):
    for url in ("/proposals/999999/", "/documents/999999/", "/parties/nobody/", "/actors/nobody/"):
        assert client.get(url).status_code == 404


def test_every_page_is_labelled_for_assistive_technology(client, seeded):
    proposal = Proposal.objects.get(slug="legally-binding-guarantees")
    statement = Statement.objects.filter(proposal=proposal).first()
    urls = [
        "/",
        f"/negotiations/{SEED}/",
        f"/negotiations/{SEED}/matrix/?as_of=2011-12-06",
        f"/negotiations/{SEED}/changes/",
        f"/negotiations/{SEED}/issues/legal-guarantees/",
        f"/proposals/{proposal.id}/",
        f"/documents/{statement.document_id}/",
        "/parties/russia/",
        f"/actors/{statement.speaker.slug}/",
        "/search/?q=missile",
    ]
    for url in urls:
        page = html.fromstring(client.get(url).content)
        assert page.get("lang") == "en", url
        assert page.xpath('//meta[@name="viewport"]'), url
        assert page.xpath('//a[@class="skip"]/@href') == ["#main"] and page.xpath('//main[@id="main"]'), url
        assert len(page.xpath("//h1")) == 1, url
        labelled = set(page.xpath("//label/@for"))
        controls = page.xpath("//input[not(@type='hidden')]/@id | //select/@id")
        assert len(controls) == len(page.xpath("//input[not(@type='hidden')] | //select")), url  # each has an id
        assert set(controls) <= labelled, (url, set(controls) - labelled)
        for table in page.xpath("//table"):
            assert table.xpath(".//th[@scope]"), url
