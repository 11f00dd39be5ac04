"""A negotiation the seed does not know, read from scratch: new speakers, its own topics, dates from the text.

The negotiation is built here (parties with aliases and metonyms, issues with keywords, proposals, no
actors) beside the seed's, and three short texts written for this test are ingested with
`manage.py ingest --negotiation`: nothing in them was seen when the models were fitted.
"""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from positions import selectors
from positions.models import Actor, Document, Issue, Negotiation, Party, Statement
from positions.services import negotiation_seed, people
from positions.vocabularies import ReviewState

pytestmark = pytest.mark.django_db

NEGOTIATION = {
    "negotiation": {
        "slug": "iran-nuclear-talks",
        "title": "Iran nuclear talks",
        "description": "Talks between Iran and the E3/EU+3 on limits to Iran's nuclear programme and sanctions relief.",
        "started": "2013-09-01",
        "ended": "2015-07-14",
        "parties": ["Iran", "United States", "European Union"],
    },
    "parties": [
        {
            "name": "Iran",
            "slug": "iran",
            "kind": "state",
            "aliases": ["Islamic Republic of Iran", "the Iranians"],
            "metonyms": ["Tehran"],
        },
        {
            "name": "United States",
            "slug": "united-states",
            "kind": "state",
            "aliases": ["the United States", "U.S."],
            "metonyms": ["Washington"],
        },
        {
            "name": "European Union",
            "slug": "european-union",
            "kind": "organisation",
            "aliases": ["EU", "E.U."],
            "metonyms": ["Brussels"],
        },
    ],
    "issues": [
        {
            "key": "enrichment",
            "title": "Uranium enrichment",
            "description": "How much uranium Iran may enrich, and where.",
            "keywords": ["enrichment", "enrich", "centrifuges", "uranium"],
        },
        {
            "key": "sanctions",
            "title": "Sanctions relief",
            "description": "Lifting the sanctions on Iran's economy.",
            "keywords": ["sanctions", "sanctions relief", "embargo"],
        },
        {
            "key": "inspections",
            "title": "Inspections",
            "description": "Inspectors' access to Iran's nuclear sites.",
            "keywords": ["inspections", "inspectors", "verify", "verification", "IAEA"],
        },
    ],
    "actors": [],
    "sources": [],
    "documents": [],
    "statements": [],
    "proposals": [
        {
            "slug": "sanctions-relief-for-limits",
            "title": "Sanctions relief in exchange for limits on enrichment",
            "description": "Iran accepts limits on uranium enrichment if the sanctions are lifted.",
            "issue": "sanctions",
            "proponent": "Iran",
            "kind": "proposal",
            "first_stated": "2014-03-03",
        },
        {
            "slug": "enrichment-cap",
            "title": "A cap on uranium enrichment verified by inspectors",
            "description": "Iran caps enrichment and opens its sites to inspectors before any relief.",
            "issue": "enrichment",
            "proponent": "United States",
            "kind": "demand",
            "first_stated": "2014-03-05",
        },
    ],
}

TEXTS = {
    "zarif.txt": (
        "Zarif offers limits for sanctions relief\n\n"
        "VIENNA, March 4, 2014 – Iranian Foreign Minister Mohammad Javad Zarif said on Monday that Iran was ready to "
        "accept limits on uranium enrichment if the sanctions on its economy were lifted.\n\n"
        "“We will not give up our right to enrichment, but we are ready to discuss limits in exchange for sanctions "
        "relief,” Zarif told reporters after the talks.\n"
    ),
    "sherman.txt": (
        "Sherman says enrichment must be capped first\n\n"
        "WASHINGTON, March 6, 2014 – U.S. Under Secretary of State Wendy Sherman said on Wednesday that Tehran must "
        "cap uranium enrichment and let inspectors verify its centrifuges before any sanctions relief.\n\n"
        "“There will be no relief from the sanctions until the inspectors can verify every centrifuge,” Sherman said.\n"
    ),
    "ashton.txt": (
        "Ashton sees progress on enrichment and inspections\n\n"
        "BRUSSELS, March 8, 2014 – European Union foreign policy chief Catherine Ashton said on Friday that the talks "
        "on uranium enrichment and inspections had made real progress.\n\n"
        "“Both sides want an agreement that lifts the sanctions and limits enrichment,” Ashton said.\n"
    ),
}
# Each text's dateline, and the weekday its first report names (the day before, two days before…).
PUBLISHED = {"zarif.txt": date(2014, 3, 4), "sherman.txt": date(2014, 3, 6), "ashton.txt": date(2014, 3, 8)}
SAID = {"zarif.txt": date(2014, 3, 3), "sherman.txt": date(2014, 3, 5), "ashton.txt": date(2014, 3, 7)}
SPEAKERS = {"Mohammad Javad Zarif": "Iran", "Wendy Sherman": "United States", "Catherine Ashton": "European Union"}


@pytest.fixture
def ingested(seeded, tmp_path):
    negotiation_seed(data=NEGOTIATION)
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        call_command("ingest", str(tmp_path / name), "--negotiation", "iran-nuclear-talks", stdout=io.StringIO())
    return Negotiation.objects.get(slug="iran-nuclear-talks")


def test_each_named_speaker_becomes_a_pending_actor_with_the_party_its_words_give(ingested):
    for name, party in SPEAKERS.items():
        actor = Actor.objects.get(name=name)
        assert actor.review_state == ReviewState.PENDING
        assert [r.party.name for r in actor.roles.all()] == [party], name
        assert Statement.objects.filter(speaker=actor).exists(), name


def test_no_statement_carries_a_topic_of_another_negotiation(ingested):
    statements = Statement.objects.filter(document__source__negotiation=ingested)
    assert statements.exists()
    assert not Issue.objects.filter(statements__in=statements).exclude(negotiation=ingested).exists()
    assert Issue.objects.filter(statements__in=statements, negotiation=ingested).exists()


def test_the_documents_are_dated_by_their_datelines_and_the_statements_by_their_text(ingested):
    for name, text in TEXTS.items():
        document = Document.objects.get(text=text.rstrip())
        assert document.published == PUBLISHED[name], name
        first = Statement.objects.filter(document=document).order_by("start").first()
        assert (first.said_on, first.said_precision) == (SAID[name], "day"), (name, first.quote)


def test_approving_a_suggested_role_puts_that_party_s_suggested_stance_in_the_matrix(ingested):
    iran = Party.objects.get(name="Iran")
    as_of = date(2014, 3, 31)

    def iran_cells():
        matrix = selectors.positions_compare(negotiation=ingested, as_of=as_of, parties=[iran])
        return {
            row["slug"]: (row["cells"][0]["stance"], row["cells"][0]["review_state"]) for row in matrix["proposals"]
        }

    assert "sanctions-relief-for-limits" in iran_cells()
    assert not any(stance for stance, _state in iran_cells().values())  # a pending speaker's words move no stance
    curator = get_user_model().objects.create_user("carla")
    zarif = Actor.objects.filter(name="Mohammad Javad Zarif")
    people.actors_review(actors=zarif, state=ReviewState.APPROVED, user=curator)

    cells = iran_cells()
    assert cells["sanctions-relief-for-limits"] == ("supports", ReviewState.PENDING), cells
