"""Acceptance 1: a student's three journeys in headless Chromium, against a live server with the seed.

Screenshots of where each journey ended go to var/screenshots/ (the `page` fixture).
"""

import re

import pytest
from playwright.sync_api import expect

from positions.models import Proposal, Statement

pytestmark = pytest.mark.django_db(transaction=True)

SEED = "nato-russia-missile-defence"


def test_it_shows_a_stance_change_when_the_date_changes(live_server, seeded, page):
    page.goto(f"{live_server.url}/negotiations/{SEED}/matrix/?as_of=2010-06-01")
    cell = page.locator('tr[data-proposal="european-phased-adaptive-approach"] td[data-party="russia"]')
    expect(cell.locator(".stance")).to_have_text("conditional")
    # Not yet tabled on 2010-06-01: the row is absent.
    expect(page.locator('tr[data-proposal="two-separate-systems"]')).to_have_count(0)

    # Keyboard first: the first Tab reaches the skip link, which leads to the content.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()

    page.get_by_label("As of").fill("2011-12-06")
    page.get_by_label("As of").press("Enter")  # the form submits from the keyboard

    expect(page).to_have_url(re.compile(r"as_of=2011-12-06"))
    expect(page.locator("#as-of")).to_have_text("2011-12-06")
    expect(cell.locator(".stance")).to_have_text("opposes")
    expect(cell.locator(".since")).to_have_text("since 2011-12-06")
    expect(page.locator('tr[data-proposal="two-separate-systems"]')).to_have_count(1)
    # The permalink in "cite this view" is the view the student is looking at.
    expect(page.locator(".cite .permalink")).to_contain_text("as_of=2011-12-06")


def test_it_follows_a_quote_from_a_proposal_timeline_to_its_document(live_server, seeded, page):
    proposal = Proposal.objects.get(slug="legally-binding-guarantees")
    page.goto(f"{live_server.url}/proposals/{proposal.id}/")
    expect(page.locator("svg.timeline title").first).to_contain_text(proposal.title)
    expect(page.locator("svg.timeline .band").first).to_be_attached()

    quote = page.locator("ol.events blockquote.quote a").first
    href = quote.get_attribute("href")
    statement_id = int(href.rsplit("#s", 1)[1])
    statement = Statement.objects.get(pk=statement_id)
    quote.click()

    expect(page).to_have_url(re.compile(rf"/documents/{statement.document_id}/#s{statement_id}$"))
    mark = page.locator(f"mark#s{statement_id}")
    expect(mark).to_be_visible()
    expect(mark).to_contain_text(statement.quote[:60])
    expect(mark.locator(".label")).to_contain_text(statement.get_kind_display())


def test_it_searches_and_pages_through_the_results(live_server, seeded, page):
    page.goto(f"{live_server.url}/search/")
    page.get_by_label("Negotiation").select_option(SEED)
    page.get_by_role("button", name="Search").click()

    heading = page.locator("#results-h")
    expect(heading).to_contain_text("page 1 of")
    first_page = page.locator("ol.results > li blockquote").all_inner_texts()
    assert len(first_page) == 20

    page.get_by_role("link", name="Next page →").click()
    expect(heading).to_contain_text("page 2 of")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page).to_have_url(re.compile(rf"negotiation={SEED}"))
    second_page = page.locator("ol.results > li blockquote").all_inner_texts()
    assert second_page and not set(second_page) & set(first_page)

    # Full text (English stems): the words narrow the results to quotes that contain them.
    page.get_by_label("Words in the quote").fill("legally binding")
    page.get_by_role("button", name="Search").click()
    expect(page).not_to_have_url(re.compile(r"page=2"))
    quotes = page.locator("ol.results > li blockquote").all_inner_texts()
    assert 0 < len(quotes) < len(first_page)
    assert all("legal" in q.lower() and "bind" in q.lower() for q in quotes)
