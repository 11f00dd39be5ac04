"""An issue's page: where it stands, each clause linked to its quote; and the pages that lead to it."""

import pytest
from lxml import html

from positions.models import Issue, Proposal, Statement
from tests import factories as f

pytestmark = pytest.mark.django_db

SEED = "nato-russia-missile-defence"
ISSUE = f"/negotiations/{SEED}/issues/legal-guarantees/"


def clauses(page, proposal_slug: str) -> list:
    return page.xpath(f'//article[@data-proposal="{proposal_slug}"]//ul[@class="clauses"]/li')


def text(element) -> str:
    return " ".join(element.text_content().split())


def test_it_says_who_demanded_what_and_who_answered_how(client, seeded):
    page = html.fromstring(client.get(ISSUE, {"as_of": "2013-12-31"}).content)
    title = Issue.objects.get(negotiation__slug=SEED, key="legal-guarantees").title
    assert text(page.xpath("//h1")[0]) == f"{title}: where it stands as of 2013-12-31"
    found = clauses(page, "legally-binding-guarantees")
    assert text(found[0]).startswith("Russia demanded it (demand), first stated")
    assert text(found[1]).startswith("Status: ")
    stances = {li.get("data-party"): text(li) for li in found if "clause-stance" in li.get("class")}
    assert stances["russia"].startswith("Russia supports since")
    assert stances["nato"].startswith("NATO opposes since")


def test_each_clause_links_the_quote_it_rests_on(client, seeded):
    page = html.fromstring(client.get(ISSUE, {"as_of": "2013-12-31"}).content)
    links = page.xpath('//section[@aria-labelledby="summary-h"]//a[@class="quote-link"]')
    assert links
    for link in links:
        path, anchor = link.get("href").split("#s")
        statement = Statement.objects.get(pk=int(anchor))
        assert path == f"/documents/{statement.document_id}/"
        assert link.text_content().strip("“”… ").split()[0] in statement.quote


def test_it_reads_the_record_of_the_date_asked(client, seeded):
    early = html.fromstring(client.get(ISSUE, {"as_of": "2009-01-20"}).content)
    assert early.xpath('//p[@class="empty"]')
    assert client.get(ISSUE, {"as_of": "2011-13-01"}).status_code == 400
    assert client.get(f"/negotiations/{SEED}/issues/no-such-issue/").status_code == 404


def test_it_lists_only_real_changes(client, db):
    negotiation = f.negotiation(slug="talks")
    party = f.party(name="Ruritania")
    negotiation.parties.add(party)
    issue = f.issue(negotiation=negotiation, key="topic")
    proposal = f.proposal(negotiation=negotiation, issue=issue, proponent=party)
    for on, value in (("2010-01-01", "supports"), ("2010-02-01", "supports"), ("2010-03-01", "opposes")):
        f.stance(proposal=proposal, party=party, effective=on, stance=value).evidence.add(f.statement(party=party))
    page = html.fromstring(client.get("/negotiations/talks/issues/topic/", {"as_of": "2011-01-01"}).content)
    changes = [text(li) for li in page.xpath('//li[@class="clause-change"]')]
    assert len(changes) == 1 and changes[0].startswith("Changed 2010-03-01: Ruritania from supports to opposes")


def test_the_proposal_page_names_its_issue_by_title_and_links_its_summary(client, seeded):
    proposal = Proposal.objects.select_related("issue").get(slug="legally-binding-guarantees")
    page = html.fromstring(client.get(f"/proposals/{proposal.id}/").content)
    link = page.xpath('//a[@class="issue-link"]')[0]
    assert link.text_content() == proposal.issue.title != proposal.issue.key
    assert link.get("href") == f"/negotiations/{SEED}/issues/{proposal.issue.key}/"


def test_the_negotiation_and_the_matrix_link_each_issue_to_its_summary(client, seeded):
    overview = html.fromstring(client.get(f"/negotiations/{SEED}/").content)
    for issue in Issue.objects.filter(negotiation__slug=SEED):
        assert overview.xpath(f'//dl[@class="issues"]//a[@href="/negotiations/{SEED}/issues/{issue.key}/"]')
    matrix = html.fromstring(client.get(f"/negotiations/{SEED}/matrix/", {"as_of": "2011-12-06"}).content)
    href = matrix.xpath('//th[@id="issue-legal-guarantees"]/a/@href')[0]
    assert href == f"/negotiations/{SEED}/issues/legal-guarantees/?as_of=2011-12-06"


def test_the_legend_explains_every_stance_and_status_in_a_sentence(client, seeded):
    from positions.vocabularies import ProposalStatus, StanceValue

    proposal = Proposal.objects.get(slug="legally-binding-guarantees")
    for url in (f"/negotiations/{SEED}/matrix/?as_of=2011-12-06", ISSUE, f"/proposals/{proposal.id}/"):
        page = html.fromstring(client.get(url).content)
        legend = page.xpath('//section[@id="legend"]')[0]
        terms = [text(dt) for dt in legend.xpath(".//dt[not(@class)]")]
        sentences = [text(dd) for dd in legend.xpath(".//dd")]
        words = [label for _, label in StanceValue.choices] + [label for _, label in ProposalStatus.choices]
        assert set(words) <= set(terms), url
        assert len(sentences) == len(terms) and all(s.endswith(".") and len(s.split()) > 4 for s in sentences)
