"""Where an issue stands (selectors.issue_summary): every clause from the record, with its quote."""

from datetime import date

import pytest

from positions import selectors
from positions.models import Negotiation, Stance, StatusChange
from positions.vocabularies import ReviewState
from tests import factories as f

pytestmark = pytest.mark.django_db


class Talks:
    """Three parties linked in an order that is not their names' (Zeta, Alpha, Mu) and one silent one;
    Alpha demands something of the others."""

    def __init__(self):
        self.negotiation = f.negotiation()
        self.zeta, self.alpha, self.mu, self.quiet = (f.party(name=n) for n in ("Zeta", "Alpha", "Mu", "Quiet"))
        for party in (self.zeta, self.alpha, self.mu, self.quiet):
            self.negotiation.parties.add(party)  # one by one: the links' order is the negotiation's
        self.issue = f.issue(negotiation=self.negotiation, key="guarantees", title="Guarantees")
        self.demand = f.proposal(
            negotiation=self.negotiation,
            issue=self.issue,
            proponent=self.alpha,
            kind="demand",
            title="A binding guarantee",
            first_stated=date(2010, 1, 10),
        )

    def said(self, party, on: date, quote: str = "We said so."):
        return f.statement(party=party, said_on=on, document=f.document(text=f"{quote} ({party.name}, {on})"))

    def stance(self, party, on: date, value: str, *evidence, **kw):
        row = f.stance(proposal=self.demand, party=party, effective=on, stance=value, **kw)
        row.evidence.add(*evidence)
        return row

    def summary(self, on: date, **kw) -> dict:
        return selectors.issue_summary(negotiation=self.negotiation, key="guarantees", as_of=on, **kw)


@pytest.fixture
def talks():
    t = Talks()
    t.demanded = t.said(t.alpha, date(2010, 1, 10), "We demand a binding guarantee.")
    t.reported = t.said(t.zeta, date(2010, 1, 9), "Alpha will ask for a guarantee.")  # said first, not the proponent
    f.status_change(proposal=t.demand, effective=date(2010, 1, 10)).evidence.add(t.reported, t.demanded)
    t.stance(t.alpha, date(2010, 1, 10), "supports", t.demanded)
    t.refused = t.said(t.zeta, date(2010, 2, 1), "No legal guarantee.")
    t.refused_again = t.said(t.zeta, date(2010, 5, 1), "Still no legal guarantee.")
    t.stance(t.zeta, date(2010, 2, 1), "opposes", t.refused)
    t.stance(t.zeta, date(2010, 5, 1), "opposes", t.refused_again)  # a restatement
    t.open_to_it = t.said(t.mu, date(2010, 3, 1), "We could consider it.")
    t.turned = t.said(t.mu, date(2010, 6, 1), "We now reject it.")
    t.stance(t.mu, date(2010, 3, 1), "conditional", t.open_to_it)
    t.stance(t.mu, date(2010, 6, 1), "opposes", t.turned)
    return t


def test_it_says_who_demanded_it_with_the_proponents_own_first_statement(talks):
    (item,) = talks.summary(date(2010, 12, 31))["proposals"]
    assert item["title"] == "A binding guarantee"
    assert item["kind"] == "demand" and item["proponent"]["name"] == "Alpha"
    assert item["first_stated"] == date(2010, 1, 10)
    assert item["first_statement"]["id"] == talks.demanded.id  # Alpha's words, though Zeta's came a day earlier
    assert item["first_statement"]["document"]["id"] == talks.demanded.document_id
    assert item["status"]["status"] == "tabled" and item["status"]["since"] == date(2010, 1, 10)


def test_it_gives_each_partys_run_in_the_negotiations_order(talks):
    (item,) = talks.summary(date(2010, 12, 31))["proposals"]
    assert [c["party"]["name"] for c in item["stances"]] == ["Zeta", "Alpha", "Mu"]
    zeta = item["stances"][0]
    assert (zeta["stance"], zeta["since"], zeta["last_stated"]) == ("opposes", date(2010, 2, 1), date(2010, 5, 1))
    assert zeta["since_statement"]["id"] == talks.refused.id
    assert zeta["last_statement"]["id"] == talks.refused_again.id
    mu = item["stances"][2]
    assert (mu["stance"], mu["since"], mu["since_statement"]["id"]) == ("opposes", date(2010, 6, 1), talks.turned.id)
    assert [p["name"] for p in item["no_stance"]] == ["Quiet"]


def test_it_lists_real_changes_only_each_with_its_quote(talks):
    (item,) = talks.summary(date(2010, 12, 31))["proposals"]
    # Zeta's restatement on 2010-05-01 is not a change; first values are the clauses above.
    assert [(c["date"], c["party"]["name"], c["previous"], c["value"]) for c in item["changes"]] == [
        (date(2010, 6, 1), "Mu", "conditional", "opposes")
    ]
    assert item["changes"][0]["statement"]["id"] == talks.turned.id


def test_it_reads_the_record_as_it_stood_on_the_date(talks):
    (item,) = talks.summary(date(2010, 4, 1))["proposals"]
    zeta, _, mu = item["stances"]
    assert zeta["last_stated"] == date(2010, 2, 1) and zeta["last_statement"]["id"] == talks.refused.id
    assert mu["stance"] == "conditional" and item["changes"] == []
    assert talks.summary(date(2010, 1, 9))["proposals"] == []  # not yet demanded


def test_it_shows_pending_rows_marked_never_rejected_ones(talks):
    talks.stance(
        talks.quiet, date(2010, 7, 1), "supports", talks.said(talks.quiet, date(2010, 7, 1)), review_state="pending"
    )
    talks.stance(
        talks.alpha, date(2010, 8, 1), "opposes", talks.said(talks.alpha, date(2010, 8, 1)), review_state="rejected"
    )
    (item,) = talks.summary(date(2010, 12, 31))["proposals"]
    by_party = {c["party"]["name"]: c for c in item["stances"]}
    assert by_party["Quiet"]["review_state"] == ReviewState.PENDING
    assert by_party["Alpha"]["stance"] == "supports"  # the rejected change never happened
    (approved_only,) = talks.summary(date(2010, 12, 31), include_pending=False)["proposals"]
    assert "Quiet" not in {c["party"]["name"] for c in approved_only["stances"]}


def test_it_is_none_for_an_issue_the_negotiation_does_not_have(talks):
    assert selectors.issue_summary(negotiation=talks.negotiation, key="nothing", as_of=date(2011, 1, 1)) is None
    other = f.issue(key="elsewhere")
    assert selectors.issue_summary(negotiation=talks.negotiation, key=other.key, as_of=date(2011, 1, 1)) is None


@pytest.mark.parametrize("as_of", [date(2010, 6, 1), date(2011, 12, 6), date(2013, 12, 31)])
def test_on_the_seed_every_clause_agrees_with_the_matrix_and_rests_on_its_own_evidence(seeded, as_of):
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    parties = selectors.negotiation_parties(negotiation=negotiation, own_order=True)
    compare = selectors.positions_compare(negotiation=negotiation, as_of=as_of, parties=parties)
    cells = {(row["id"], cell["party"]): cell for row in compare["proposals"] for cell in row["cells"]}
    seen = 0
    for issue in negotiation.issues.all():
        summary = selectors.issue_summary(negotiation=negotiation, key=issue.key, as_of=as_of)
        for item in summary["proposals"]:
            grounds = set(
                Stance.evidence.through.objects.filter(stance__proposal_id=item["id"]).values_list(
                    "stance__party__slug", "statement_id"
                )
            )
            status_grounds = set(
                StatusChange.evidence.through.objects.filter(statuschange__proposal_id=item["id"]).values_list(
                    "statement_id", flat=True
                )
            )
            if item["status"] and item["status"]["statement"]:
                assert item["status"]["statement"]["id"] in status_grounds
            for clause in item["stances"]:
                slug = clause["party"]["slug"]
                cell = cells[(item["id"], slug)]
                assert (clause["stance"], clause["since"], clause["last_stated"]) == (
                    cell["stance"],
                    cell["since"],
                    cell["last_stated"],
                ), (item["slug"], slug)
                for quoted in (clause["since_statement"], clause["last_statement"]):
                    assert quoted is None or (slug, quoted["id"]) in grounds
                seen += 1
            for change in item["changes"]:
                assert change["previous"] != change["value"]
            answered = {c["party"]["slug"] for c in item["stances"]}
            assert {p["slug"] for p in item["no_stance"]} == {p.slug for p in parties} - answered
    assert seen
