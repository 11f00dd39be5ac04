"""Acceptance 3: every page, CSV and feed costs the same number of queries with little data and with more."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Scale, ScaleStep
from positions.vocabularies import ReviewState
from tests import factories as f

pytestmark = pytest.mark.django_db

SENTENCE = "The minister said the plan was fine. "


class World:
    """A negotiation whose every list grows with `grow`: proposals, stances, statements, roles."""

    def __init__(self):
        self.negotiation = f.negotiation(slug="growing", started=date(2009, 1, 1), ended=date(2013, 12, 31))
        self.parties = [f.party(), f.party(), f.party()]
        self.negotiation.parties.add(*self.parties)
        self.issue = f.issue(negotiation=self.negotiation, key="topic")
        self.actor = f.actor()
        self.document = f.document(text=SENTENCE * 400, url="https://example.org/a")
        self.proposal = f.proposal(negotiation=self.negotiation, issue=self.issue, proponent=self.parties[0])
        scale = Scale.objects.create(issue=self.issue, title="A scale")
        ScaleStep.objects.create(scale=scale, key="yes", label="Yes", position=100).proposals.add(self.proposal)
        self.rounds = 0
        self.statements = 0

    def statement(self, party):
        start = self.statements * len(SENTENCE)
        self.statements += 1
        said = date(2010, 1, 1) + timedelta(days=self.statements)
        s = f.statement(
            document=self.document,
            start=start,
            end=start + len(SENTENCE) - 1,
            speaker=self.actor,
            party=party,
            said_on=said,
            proposal=self.proposal,
            review_state=ReviewState.APPROVED,
        )
        s.topics.add(self.issue)
        return s

    def grow(self, n: int):
        for _ in range(n):
            self.rounds += 1
            day = date(2010, 1, 1) + timedelta(days=10 * self.rounds)
            f.role(actor=self.actor, party=self.parties[0], title=f"Post {self.rounds}", start=day)
            proposal = f.proposal(negotiation=self.negotiation, issue=self.issue, proponent=self.parties[1])
            f.status_change(proposal=proposal).evidence.add(self.statement(self.parties[1]))
            f.status_change(proposal=self.proposal, effective=day, status="under_discussion")
            for party in self.parties:
                for target in (proposal, self.proposal):
                    value = "supports" if self.rounds % 2 else "opposes"
                    stance = f.stance(proposal=target, party=party, effective=day, stance=value)
                    stance.evidence.add(self.statement(party), self.statement(party))
            f.stance(
                proposal=proposal, party=self.parties[2], effective=day, stance="ambiguous", review_state="pending"
            )

    def urls(self) -> list[str]:
        n, p, party = self.negotiation.slug, self.proposal.id, self.parties[0].slug
        search = f"q=minister&negotiation={n}&party={party}"
        return [
            "/",
            f"/negotiations/{n}/",
            f"/negotiations/{n}/matrix/?as_of=2013-01-01",
            f"/negotiations/{n}/matrix.csv?as_of=2013-01-01",
            f"/negotiations/{n}/issues/{self.issue.key}/?as_of=2013-01-01",
            f"/negotiations/{n}/issues/{self.issue.key}/positions.csv?as_of=2013-01-01",
            f"/negotiations/{n}/changes/?from=2009-01-01&to=2013-01-01",
            f"/negotiations/{n}/changes.csv?from=2009-01-01&to=2013-01-01",
            f"/negotiations/{n}/feed.atom",
            f"/proposals/{p}/",
            f"/proposals/{p}/evidence.csv",
            f"/proposals/{p}/feed.atom",
            f"/documents/{self.document.id}/",
            f"/parties/{party}/",
            f"/parties/{party}/feed.atom",
            f"/actors/{self.actor.slug}/",
            f"/search/?{search}",
            f"/search/?{search}&page=2",
            f"/search.csv?{search}",
        ]


def cost(client, url: str) -> tuple[int, int]:
    """(queries, response size) of one GET, a streamed body read to the end."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, url
    return len(queries), len(body)


def test_it_costs_the_same_queries_whatever_the_size_of_the_data(client):
    world = World()
    world.grow(2)
    small = {url: cost(client, url) for url in world.urls()}
    world.grow(12)
    large = {url: cost(client, url) for url in world.urls()}
    for url in world.urls():
        assert large[url][0] == small[url][0], f"{url}: {small[url][0]} queries, then {large[url][0]}"
        # The page did grow: the equal count is not the count of an empty page.
        if url != "/":
            assert large[url][1] > small[url][1], url


def test_it_reports_the_query_count_of_each_page(client, capsys):
    # Not a check: prints the counts for the record (pytest -s shows them).
    world = World()
    world.grow(3)
    with capsys.disabled():
        for url in world.urls():
            print(f"{cost(client, url)[0]:3d} queries  {url}")
