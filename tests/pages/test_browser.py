"""Acceptance 1: a student's three journeys in headless Chromium, against a live server with the seed.

Screenshots of where each journey ended go to var/screenshots/ (the `page` fixture).
"""

import re

import pytest
from playwright.sync_api import expect

from positions.models import Proposal, Statement
from tests.conftest import SCREENSHOTS

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
    expect(cell.locator(".since")).to_have_text("since 2011-11-23")  # Medvedev's countermeasures (issue 15)
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


def test_the_matrix_fits_a_390_px_phone(live_server, seeded, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/negotiations/{SEED}/matrix/?as_of=2011-12-06")

    # Only the table scrolls sideways, inside its region; the page itself does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    region = page.get_by_role("region", name="Comparison matrix")
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # the parties are there, to scroll to

    row = page.locator('tr[data-proposal="two-separate-systems"]')
    proposal = row.locator("th[scope=row]")
    region.evaluate("r => { r.scrollLeft = r.scrollWidth; }")
    left, stuck = region.bounding_box()["x"], proposal.bounding_box()
    assert abs(stuck["x"] - left) <= 1 and stuck["x"] + stuck["width"] <= 390  # sticky: still at the left edge

    cell = row.locator('td[data-party="russia"]')
    stance, quote = cell.locator(".stance").bounding_box(), cell.locator("blockquote.quote").bounding_box()
    assert quote["y"] >= stance["y"] + stance["height"]  # the quote under the stance

    # The date field shows the date as the heading does (a browser's date input would show 12/6/2011).
    field = page.get_by_label("As of")
    assert field.get_attribute("type") == "text"
    assert field.input_value() == page.locator("#as-of").inner_text() == "2011-12-06"


def test_the_site_has_an_icon(live_server, page):
    for path in ["/", "/admin/login/"]:
        page.goto(live_server.url + path)
        href = page.locator("link[rel=icon]").get_attribute("href")
        icon = page.request.get(live_server.url + href)
        assert icon.status == 200 and icon.headers["content-type"] == "image/svg+xml", path

    icon = page.request.get(f"{live_server.url}/favicon.ico")  # asked for by browsers whatever a page links
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/")
    assert icon.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file


# --- Pages that read right: the columns stand still, dates stay whole, each issue says where it stands ---

SEED_ORDER = ["NATO", "Russia", "United States", "Poland", "Romania", "Czech Republic", "Turkey"]
# Every date and "since …" on the page that a line break split: its text's boxes sit on more than one line.
BROKEN_DATES = """() => [...document.querySelectorAll('main time, main .since, main .last-stated')].filter((e) => {
    const range = document.createRange();
    range.selectNodeContents(e);
    const boxes = [...range.getClientRects()].filter((box) => box.width > 0);
    const lines = new Set(boxes.map((box) => Math.round(box.bottom)));
    return lines.size > 1;
}).map((e) => e.textContent)"""


def columns(page) -> list[str]:
    return [name.strip() for name in page.locator("table.matrix thead th").all_inner_texts()[1:]]


def shoot(page, name: str, **kw) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), **kw)


def test_the_party_columns_keep_the_negotiations_order_at_every_date(live_server, seeded, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    matrix = f"{live_server.url}/negotiations/{SEED}/matrix/"
    shown = {}
    for as_of in ("2010-06-01", "2011-12-06"):
        page.goto(f"{matrix}?as_of={as_of}&all_parties=on")
        shown[as_of] = columns(page)
    assert shown["2010-06-01"] == shown["2011-12-06"] == SEED_ORDER

    # By default the parties with no stance yet are collapsed, named above the table, and a link (no
    # script needed) shows their columns again; the choice stays when the date changes.
    page.goto(f"{matrix}?as_of=2010-06-01")
    assert columns(page) == ["Russia", "United States"]
    expect(page.locator("#empty-parties")).to_contain_text("NATO, Poland, Romania, Czech Republic, Turkey")
    page.get_by_role("link", name="Show their columns").click()
    expect(page).to_have_url(re.compile(r"all_parties=on"))
    assert columns(page) == SEED_ORDER
    page.get_by_label("As of").fill("2011-12-06")
    page.get_by_label("As of").press("Enter")
    expect(page.locator("#as-of")).to_have_text("2011-12-06")
    assert columns(page) == SEED_ORDER
    page.get_by_role("link", name="Collapse their columns").click()
    expect(page).not_to_have_url(re.compile(r"all_parties"))
    assert columns(page) == ["NATO", "Russia", "United States", "Poland"]

    assert page.evaluate(BROKEN_DATES) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shoot(page, "matrix-1366.png", full_page=True)


def test_the_matrix_keeps_dates_whole_and_fits_a_390_px_phone(live_server, seeded, page):
    page.set_viewport_size({"width": 390, "height": 844})
    for query in ("as_of=2011-12-06", "as_of=2011-12-06&all_parties=on", "as_of=2010-06-01"):
        page.goto(f"{live_server.url}/negotiations/{SEED}/matrix/?{query}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, query
        assert page.evaluate(BROKEN_DATES) == [], query
    page.goto(f"{live_server.url}/negotiations/{SEED}/matrix/?as_of=2011-12-06")
    shoot(page, "matrix-390.png", full_page=True)
    page.get_by_role("region", name="Comparison matrix").scroll_into_view_if_needed()
    shoot(page, "matrix-390-table.png")


def test_an_issue_says_where_it_stands_each_clause_with_its_quote(live_server, seeded, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/negotiations/{SEED}/")
    page.get_by_role("link", name="Legal guarantees", exact=False).first.click()
    expect(page).to_have_url(re.compile(rf"/negotiations/{SEED}/issues/legal-guarantees/$"))
    summary = page.locator('article[data-proposal="legally-binding-guarantees"]')
    expect(summary.locator("li.clause-proposed")).to_contain_text("Russia demanded it")
    assert page.evaluate(BROKEN_DATES) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("section.issue-summary").screenshot(path=str(SCREENSHOTS / "issue-summary-legal-guarantees.png"))

    quote = summary.locator("li.clause-stance a.quote-link").first
    statement_id = int(quote.get_attribute("href").rsplit("#s", 1)[1])
    quote.click()
    expect(page.locator(f"mark#s{statement_id}")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/negotiations/{SEED}/issues/legal-guarantees/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate(BROKEN_DATES) == []


def test_a_stance_holds_since_its_first_statement_in_the_matrix_and_in_compare(live_server, seeded, page):
    # Issue 15, acceptance 2: on the day of the seed's news report, the runs began long before it.
    page.goto(f"{live_server.url}/negotiations/{SEED}/matrix/?as_of=2011-12-06")
    sectoral = page.locator('tr[data-proposal="joint-sectoral-system"] td[data-party="russia"]')
    separate = page.locator('tr[data-proposal="two-separate-systems"] td[data-party="nato"]')
    expect(sectoral.locator(".stance")).to_have_text("supports")
    expect(sectoral.locator(".since")).to_have_text("since 2010-11-20")  # tabled at the Lisbon NRC summit
    expect(separate.locator(".stance")).to_have_text("supports")
    expect(separate.locator(".since")).to_have_text("since 2011-01-19")  # Rasmussen, two coordinated systems

    answer = page.request.get(f"{live_server.url}/api/v1/compare?negotiation={SEED}&as_of=2011-12-06").json()
    cells = {(p["slug"], c["party"]): c for p in answer["proposals"] for c in p["cells"]}
    assert cells["joint-sectoral-system", "russia"]["since"] == "2010-11-20"
    assert cells["two-separate-systems", "nato"]["since"] == "2011-01-19"
    assert cells["two-separate-systems", "nato"]["last_stated"] == "2011-12-06"  # restated, the run kept


def test_a_citation_names_both_dates_and_its_permalink_outlives_a_curators_change(live_server, seeded, page):
    """Issue 19, acceptance 4 in a browser: the citation box says "as of X, as known on Y"; after a curator
    changes the stance, the matrix shows the new one and the cited permalink still the old one."""
    from django.contrib.auth.models import User

    from positions.models import Stance
    from positions.services.curation import recorded_correct

    page.goto(f"{live_server.url}/negotiations/{SEED}/matrix/?as_of=2011-12-06")
    cell = page.locator('tr[data-proposal="two-separate-systems"] td[data-party="nato"] .stance')
    expect(cell).to_have_text("supports")
    expect(page.locator(".cite .cite-text")).to_contain_text(re.compile(r"as of 2011-12-06, as known on \d{4}-"))
    permalink = page.locator(".cite .permalink").get_attribute("href")
    assert "known_at=" in permalink and "as_of=2011-12-06" in permalink

    curator = User.objects.create_superuser("curator", "curator@example.org", password=None)
    row = Stance.objects.filter(party__slug="nato", proposal__slug="two-separate-systems", stance="supports")
    recorded_correct(row=row.order_by("-effective").first(), data={"stance": "opposes"}, user=curator)

    page.reload()
    expect(cell).to_have_text("opposes")
    page.goto(permalink)
    expect(cell).to_have_text("supports")
    expect(page.locator("#known-at")).to_contain_text("As the tracker recorded it on")
    expect(page.locator(".cite .cite-text")).to_contain_text("as of 2011-12-06, as known on ")
    page.locator("section.cite").screenshot(path=str(SCREENSHOTS / "cite-known-at.png"))
