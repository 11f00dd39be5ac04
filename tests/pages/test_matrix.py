"""The comparison matrix and the changes between two dates: the seed's gold positions, dates, review states."""

import csv
import io
import json
from datetime import date

import pytest
from lxml import html

from positions.models import Party, Proposal, Stance
from positions.vocabularies import ReviewState
from tests import factories as f
from tests.conftest import SEED_GOLD, real_changes

pytestmark = pytest.mark.django_db

SEED = "nato-russia-missile-defence"
MATRIX = f"/negotiations/{SEED}/matrix/"


def cell(page, proposal_slug: str, party_slug: str):
    found = page.xpath(f'//tr[@data-proposal="{proposal_slug}"]/td[@data-party="{party_slug}"]')
    assert len(found) == 1, (proposal_slug, party_slug)
    return found[0]


def stance_text(td) -> str:
    return td.xpath('.//span[contains(@class, "stance")]')[0].text_content().strip()


def run_start(seeded: dict, position: dict, as_of: str = "2011-12-06") -> str:
    """From the seed file: the day the party's stance in force on `as_of` began (restatements continue a run)."""
    proposal = next(p for p in seeded["proposals"] if p["title"] == position["proposal"])
    rows = sorted((r["effective"], r["stance"]) for r in proposal["stances"] if r["party"] == position["party"])
    rows = [row for row in rows if row[0] <= as_of]
    since = rows[-1][0]
    for day, stance in reversed(rows):
        if stance != rows[-1][1]:
            break
        since = day
    return since


def test_it_shows_the_seed_articles_gold_positions_as_of_its_date(client, seeded):
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))["positions"]
    page = html.fromstring(client.get(MATRIX, {"as_of": "2011-12-06"}).content)
    slugs = dict(Proposal.objects.values_list("title", "slug"))
    parties = dict(Party.objects.values_list("name", "slug"))
    for position in gold:
        td = cell(page, slugs[position["proposal"]], parties[position["party"]])
        # The word is there (never colour alone), and the colour class says the same.
        assert stance_text(td) == position["stance"], position
        assert td.xpath(f'.//span[contains(@class, "stance-{position["stance"]}")]')
        assert f"since {run_start(seeded, position)}" in td.text_content()
    assert len(gold) >= 10


def test_it_leaves_out_proposals_not_yet_tabled(client, seeded):
    response = client.get(MATRIX, {"as_of": "2010-06-01"})
    page = html.fromstring(response.content)
    shown = set(page.xpath("//tr[@data-proposal]/@data-proposal"))
    tabled = set(Proposal.objects.filter(first_stated__lte=date(2010, 6, 1)).values_list("slug", flat=True))
    later = set(Proposal.objects.filter(first_stated__gt=date(2010, 6, 1)).values_list("slug", flat=True))
    assert shown == tabled
    assert later and not shown & later
    assert "two-separate-systems" in later


def test_it_links_each_quote_to_its_place_in_its_document(client, seeded):
    page = html.fromstring(client.get(MATRIX, {"as_of": "2011-12-06"}).content)
    link = cell(page, "two-separate-systems", "nato").xpath(".//blockquote/a")[0]
    path, anchor = link.get("href").split("#")
    document = html.fromstring(client.get(path).content)
    mark = document.xpath(f'//mark[@id="{anchor}"]')
    assert mark and anchor.startswith("s")
    assert link.text_content().strip("“”.… ")[:40] in mark[0].text_content()


def test_it_reads_the_negotiations_end_when_no_date_is_given(client, seeded):
    response = client.get(MATRIX)
    assert response.context["as_of"] == date(2013, 12, 31)  # the seed ended before today
    assert b'id="as-of">2013-12-31<' in response.content


@pytest.mark.parametrize("bad", ["2011-13-01", "yesterday", "2011-02-30", "06/12/2011"])
def test_it_answers_a_bad_date_with_a_clear_400_page(client, db, bad):
    f.negotiation(slug=SEED)
    for url in (MATRIX, f"/negotiations/{SEED}/matrix.csv"):
        response = client.get(url, {"as_of": bad})
        assert response.status_code == 400
        assert "YYYY-MM-DD" in response.content.decode()
        assert response["Content-Type"].startswith("text/html")


def test_it_refuses_changes_whose_start_is_after_their_end(client, db):
    f.negotiation(slug=SEED)
    response = client.get(f"/negotiations/{SEED}/changes/", {"from": "2012-01-01", "to": "2011-01-01"})
    assert response.status_code == 400
    assert "on or before" in response.content.decode()


def test_it_reads_the_edges_of_the_calendar(client, db):
    f.negotiation(slug=SEED, started=date(2009, 1, 1))
    for params in ({"as_of": "0001-01-01"}, {"as_of": "9999-12-31"}):
        assert client.get(MATRIX, params).status_code == 200
    for params in ({"to": "0001-01-01"}, {"from": "0001-01-01", "to": "9999-12-31"}):
        assert client.get(f"/negotiations/{SEED}/changes/", params).status_code == 200


def test_it_is_a_404_for_an_unknown_negotiation(client, db):
    assert client.get("/negotiations/nowhere/matrix/").status_code == 404


def test_it_marks_unreviewed_positions_and_can_hide_them(client, seeded):
    proposal = Proposal.objects.get(slug="two-separate-systems")
    russia = Party.objects.get(name="Russia")
    f.stance(proposal=proposal, party=russia, stance="conditional", effective=date(2012, 1, 10), review_state="pending")

    shown = html.fromstring(client.get(MATRIX, {"as_of": "2012-02-01"}).content)
    td = cell(shown, "two-separate-systems", "russia")
    assert stance_text(td) == "conditional"
    assert "unreviewed" in td.text_content()

    hidden = html.fromstring(client.get(MATRIX, {"as_of": "2012-02-01", "hide_unreviewed": "on"}).content)
    td = cell(hidden, "two-separate-systems", "russia")
    assert stance_text(td) == "opposes"  # the approved stance in force before the pending one
    assert "unreviewed" not in td.text_content()


def test_it_never_shows_a_rejected_stance(client, seeded):
    proposal = Proposal.objects.get(slug="two-separate-systems")
    russia = Party.objects.get(name="Russia")
    f.stance(proposal=proposal, party=russia, stance="supports", effective=date(2012, 1, 10), review_state="rejected")
    page = html.fromstring(client.get(MATRIX, {"as_of": "2012-02-01"}).content)
    assert stance_text(cell(page, "two-separate-systems", "russia")) == "opposes"


def test_it_gives_a_permalink_and_a_citation_with_the_date(client, seeded):
    page = html.fromstring(client.get(MATRIX, {"as_of": "2011-12-06", "hide_unreviewed": "on"}).content)
    permalink = page.xpath('//a[contains(@class, "permalink")]/@href')[0]
    assert permalink.startswith("http://testserver/negotiations/")
    assert "as_of=2011-12-06" in permalink and "hide_unreviewed=on" in permalink
    cite = page.xpath('//*[contains(@class, "cite-text")]')[0].text_content()
    assert "as of 2011-12-06" in cite and permalink in cite


def test_it_shows_what_changed_between_two_dates(client, seeded):
    response = client.get(f"/negotiations/{SEED}/changes/", {"from": "2011-07-01", "to": "2011-12-31"})
    assert response.status_code == 200
    page = html.fromstring(response.content)
    summary = " ".join(li.text_content() for li in page.xpath('//ul[@class="summary"]/li'))
    summary = " ".join(summary.split())
    assert "European Phased Adaptive Approach (EPAA): Russia conditional → opposes" in summary
    # Every change in the window is listed, and none outside it.
    dates = [d for d in page.xpath("//table[@class='changes']//time/@datetime")]
    assert dates and all("2011-07-01" < d <= "2011-12-31" for d in dates)
    # Restatements are evidence, not changes: every real change of a stance in the window has its row.
    stances = Stance.objects.filter(proposal__negotiation__slug=SEED).exclude(review_state=ReviewState.REJECTED)
    in_window = [r for r in real_changes(stances, "stance") if date(2011, 7, 1) < r.effective <= date(2011, 12, 31)]
    assert in_window and len(dates) >= len(in_window)


def test_a_run_of_two_equal_stances_shows_since_the_first_and_last_stated_the_second(client, db):
    negotiation, party = f.negotiation(slug="runs"), f.party(name="Russia", slug="russia")
    negotiation.parties.add(party)
    proposal = f.proposal(negotiation=negotiation, slug="sectoral")
    f.stance(proposal=proposal, party=party, stance="supports", effective=date(2010, 11, 20))
    again = f.stance(proposal=proposal, party=party, stance="supports", effective=date(2011, 12, 6))
    again.evidence.add(f.statement(party=party, said_on=date(2011, 6, 8), review_state=ReviewState.APPROVED))
    params = {"as_of": "2011-12-06"}

    page = html.fromstring(client.get("/negotiations/runs/matrix/", params).content)
    td = cell(page, "sectoral", "russia")
    assert td.xpath('.//span[@class="since"]')[0].text_content() == "since 2010-11-20"
    assert td.xpath('.//span[@class="last-stated"]')[0].text_content() == "last stated 2011-06-08"

    body = client.get("/negotiations/runs/matrix.csv", params).content.decode()
    [row] = csv.DictReader(io.StringIO(body))
    assert (row["stance"], row["stance_since"], row["stance_last_stated"]) == ("supports", "2010-11-20", "2011-06-08")


def test_the_proposals_evidence_csv_marks_a_restatement_with_its_runs_start(client, db):
    first = f.stance(stance="opposes", effective=date(2010, 1, 1))
    f.stance(proposal=first.proposal, party=first.party, stance="opposes", effective=date(2011, 1, 1))
    body = client.get(f"/proposals/{first.proposal_id}/evidence.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["date"], r["since"], r["restatement"]) for r in rows] == [
        ("2010-01-01", "2010-01-01", "False"),
        ("2011-01-01", "2010-01-01", "True"),
    ]


def party_columns(page) -> list[str]:
    return [th.text_content().strip() for th in page.xpath('//table[@class="matrix"]/thead/tr/th')[1:]]


SEED_ORDER = ["NATO", "Russia", "United States", "Poland", "Romania", "Czech Republic", "Turkey"]


@pytest.mark.parametrize("as_of", ["2010-06-01", "2011-12-06", "2013-12-31"])
def test_its_columns_keep_the_negotiations_own_order_at_every_date(client, seeded, as_of):
    everyone = html.fromstring(client.get(MATRIX, {"as_of": as_of, "all_parties": "on"}).content)
    assert party_columns(everyone) == SEED_ORDER
    # By default the parties with no stance on any proposal of the date are collapsed: the others keep
    # their places relative to each other, and the collapsed ones are named, with a way to show them.
    page = html.fromstring(client.get(MATRIX, {"as_of": as_of}).content)
    shown = party_columns(page)
    collapsed = [a.text_content() for a in page.xpath('//p[@id="empty-parties"]/a[not(@class="toggle")]')]
    assert shown == [name for name in SEED_ORDER if name not in collapsed]
    with_stance = {
        name
        for name in SEED_ORDER
        if Stance.objects.filter(party__name=name, effective__lte=as_of, proposal__first_stated__lte=as_of).exists()
    }
    assert set(shown) == with_stance
    if collapsed:
        toggle = page.xpath('//p[@id="empty-parties"]/a[@class="toggle"]/@href')[0]
        assert "all_parties=on" in toggle and f"as_of={as_of}" in toggle


def test_it_collapses_the_parties_with_no_stance_on_2010_06_01(client, seeded):
    page = html.fromstring(client.get(MATRIX, {"as_of": "2010-06-01"}).content)
    assert party_columns(page) == ["Russia", "United States"]
    note = " ".join(page.xpath('//p[@id="empty-parties"]')[0].text_content().split())
    assert "NATO, Poland, Romania, Czech Republic, Turkey" in note
    assert page.xpath('//input[@id="all_parties" and not(@checked)]')
