"""Issue 19, acceptance 1: the seed's proposal relations on a proposal's page, in headless Chromium.

The screenshot of the page goes to var/screenshots/ (the `page` fixture), with one of the graph alone.
"""

import pytest
from playwright.sync_api import expect

from positions.models import Proposal
from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_proposal_page_shows_its_relations_as_a_graph_and_as_a_list(live_server, seeded, page):
    sectoral = Proposal.objects.get(slug="joint-sectoral-system")
    page.goto(f"{live_server.url}/proposals/{sectoral.id}/")

    graph = page.locator("svg.relations-graph")
    expect(graph).to_be_visible()
    expect(graph.locator("title#rel-title")).to_have_text(f"Related proposals: {sectoral.title}")
    # Two separate systems and the military-technical criteria bear on it (left); it counters NATO's (right).
    expect(graph.locator("g.edge")).to_have_count(3)
    expect(graph.locator("g.edge-counter_to")).to_have_count(2)
    expect(graph.locator("g.edge-alternative_to text")).to_have_text("is an alternative to")
    territorial = Proposal.objects.get(slug="nato-territorial-missile-defence")
    node = graph.locator(f'a[href="/proposals/{territorial.id}/"]')
    expect(node.locator("title")).to_have_text(territorial.title)
    graph.screenshot(path=str(SCREENSHOTS / "relations_graph_joint_sectoral_system.png"))

    items = page.locator("ul.relations-list > li")
    expect(items).to_have_count(3)
    texts = items.all_inner_texts()
    assert any(
        t.startswith("counters NATO territorial ballistic missile defence capability, since 2010-11-20") for t in texts
    )
    assert any(t.startswith("countered by Two separate but cooperating") for t in texts)
    assert all("unreviewed" not in t for t in texts)  # the seed's relations are approved

    # The list's links lead to the other proposal's page, where the relation reads the other way round.
    items.filter(has_text="countered by").get_by_role("link", name="Two separate but cooperating").first.click()
    expect(page.locator("h1")).to_have_text("Two separate but cooperating missile defence systems")
    expect(page.locator("ul.relations-list > li").first).to_contain_text("counters Single joint NATO–Russia")
    # …and among its events with their evidence.
    expect(page.locator("ol.events li[id^=relation-] .relation")).to_have_text("counters")
