"""The issue page's position scale: the chart in headless Chromium, and the text tables beside it."""

import pytest
from lxml import html
from playwright.sync_api import expect

from positions.pages.scale_chart import RIGHT, WIDTH

SEED = "nato-russia-missile-defence"
GUARANTEES = f"/negotiations/{SEED}/issues/legal-guarantees/"


@pytest.mark.django_db
def test_it_lists_each_change_and_the_distance_as_text_beside_the_chart(client, seeded):
    page = html.fromstring(client.get(GUARANTEES, {"as_of": "2013-12-31"}).content)
    assert page.xpath("//svg[contains(@class, 'scale-chart')]")
    rows = page.xpath('//table[@id="scale-changes"]/tbody/tr')
    seen = [(r.get("data-party"), r.get("data-position"), r.xpath("./td/time")[0].text) for r in rows]
    assert seen == [
        ("russia", "100", "2011-04-18"),
        ("nato", "33", "2011-07-04"),
        ("united-states", "67", "2011-10-18"),
    ]
    # The curator's placement links its evidence, the whole quote in the link's title.
    assert "a curator’s placement" in rows[2].text_content()
    assert "We are prepared to put it in writing." in rows[2].xpath(".//a[@title]")[0].get("title")
    distance = [r.get("data-distance") for r in page.xpath('//table[@id="scale-distance"]/tbody/tr')]
    assert distance == ["", "67"]
    # Before NATO spoke, only Russia stands on the scale.
    early = html.fromstring(client.get(GUARANTEES, {"as_of": "2011-06-30"}).content)
    assert [r.get("data-party") for r in early.xpath('//table[@id="scale-changes"]/tbody/tr')] == ["russia"]
    # An issue with no scale shows none.
    bare = html.fromstring(client.get(f"/negotiations/{SEED}/issues/joint-centres/").content)
    assert not bare.xpath("//svg[contains(@class, 'scale-chart')]")


@pytest.mark.django_db(transaction=True)
def test_the_chart_draws_russia_nato_and_the_united_states_from_2010_to_2013(live_server, seeded, page):
    page.goto(f"{live_server.url}{GUARANTEES}?as_of=2013-12-31")
    chart = page.locator("svg.scale-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_contain_text("Positions over time")
    for year in ("2010", "2011", "2012", "2013"):
        expect(chart.locator("text", has_text=year).first).to_be_attached()
    for slug, words in (
        ("russia", "Russia: Legally binding guarantees (100) from 2011-04-18"),
        ("nato", "NATO: Political assurances (33) from 2011-07-04"),
        ("united-states", "United States: Written assurances (67) from 2011-10-18"),
    ):
        line = chart.locator(f'g.party-line[data-party="{slug}"]')
        expect(line.locator("polyline")).to_have_count(1)
        expect(line.locator("title").first).to_have_text(words)
        expect(line.locator("text")).to_have_text(words.split(":")[0])  # the line's label at its end
    # The lines stand at their steps: Russia above the United States above NATO (SVG y grows downwards),
    # and each runs on to the chart's end (2013-12-31), from the day the party took its position.
    levels, starts = {}, {}
    for slug in ("russia", "united-states", "nato"):
        points = chart.locator(f'g.party-line[data-party="{slug}"] polyline').get_attribute("points").split()
        xs, ys = zip(*(tuple(map(float, p.split(","))) for p in points), strict=True)
        assert len(set(ys)) == 1  # one level: the position never moved
        levels[slug], starts[slug] = ys[0], xs[0]
        assert max(xs) == WIDTH - RIGHT  # on to the plot's right edge: held until the end
    assert levels["russia"] < levels["united-states"] < levels["nato"]
    assert starts["russia"] < starts["nato"] < starts["united-states"]  # April, July, October 2011
    box = chart.bounding_box()
    assert box["width"] > 600  # drawn, not collapsed
    expect(chart.locator("rect.distance-bar title").first).to_contain_text("Distance 67 from 2011-07-04")
    # The same facts as text beside the chart, and the download beside them.
    expect(page.locator("#scale-changes tbody tr")).to_have_count(3)
    expect(page.get_by_role("link", name="Download positions and salience per party and month (CSV)")).to_be_visible()
    page.locator("#scale-h").scroll_into_view_if_needed()
