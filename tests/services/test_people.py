"""Approving a speaker nobody entered: its suggested role becomes real and its documents are extracted again."""

import hashlib
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from positions.models import Actor, Document, Negotiation, Source, Stance, Statement
from positions.services import people
from positions.services.statements import document_statements_extract
from positions.statements.records import EXTRACTOR_VERSION
from positions.vocabularies import ReviewState

pytestmark = pytest.mark.django_db

ANTONOV = (
    "Antonov warns NATO\n\nMOSCOW, February 1 (Itar-Tass) — Russian Deputy Defence Minister Anatoly Antonov said "
    "Russia insists on legally binding guarantees that the missile defence system will not be aimed against its "
    "strategic nuclear forces.\n"
)


@pytest.fixture
def curator(db):
    return get_user_model().objects.create_user("carla")


def page(text: str, n: int = 0) -> Document:
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    source, _ = Source.objects.get_or_create(
        name="Itar-Tass", defaults={"kind": "page", "url": "https://example.org/", "negotiation": negotiation}
    )
    text = text + "\n" * n  # another document, same words
    return Document.objects.create(
        source=source, title="Antonov warns NATO", publisher="Itar-Tass", published=date(2012, 2, 1), text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )  # fmt: skip


@pytest.fixture
def antonov(seeded) -> tuple[Actor, Statement]:
    document = page(ANTONOV)
    document_statements_extract(document=document)
    return Actor.objects.get(name="Anatoly Antonov"), Statement.objects.get(document=document)


def test_approving_makes_the_role_real_and_extracts_the_actor_s_documents_again(antonov, curator):
    actor, statement = antonov
    assert not Stance.objects.filter(evidence=statement).exists()

    report = people.actors_review(actors=Actor.objects.filter(pk=actor.pk), state=ReviewState.APPROVED, user=curator)

    assert (report.changed, report.extracted, report.queued) == (1, 1, 0)
    actor.refresh_from_db()
    assert actor.review_state == ReviewState.APPROVED
    again = Statement.objects.get(document=statement.document, extractor_version=EXTRACTOR_VERSION)
    assert again.pk == statement.pk and again.speaker == actor and again.party.name == "Russia"
    # A known actor's statement: full confidence, not a stranger's four fifths of it...
    assert again.confidence > statement.confidence
    # ...and, his post speaking for Russia, it suggests Russia's stance on its own demand.
    stance = Stance.objects.get(evidence=again)
    assert (stance.party.name, stance.proposal.slug, stance.stance, stance.review_state) == (
        "Russia", "legally-binding-guarantees", "supports", ReviewState.PENDING,
    )  # fmt: skip


def test_many_documents_are_left_to_the_workers(antonov, curator, monkeypatch, django_capture_on_commit_callbacks):
    actor, statement = antonov
    for n in range(1, 3):
        document_statements_extract(document=page(ANTONOV, n))
    monkeypatch.setattr(people, "EXTRACT_AT_ONCE", 2)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = people.actors_review(actors=Actor.objects.filter(pk=actor.pk), state="approved", user=curator)

    assert (report.extracted, report.queued) == (0, 3) and len(callbacks) == 1
    assert Statement.objects.get(pk=statement.pk).confidence == statement.confidence  # not extracted here


def test_rejecting_extracts_nothing_again(antonov, curator):
    actor, _statement = antonov
    report = people.actors_review(actors=Actor.objects.filter(pk=actor.pk), state="rejected", user=curator)
    assert (report.changed, report.extracted, report.queued) == (1, 0, 0)


def test_approving_an_approved_actor_changes_nothing(antonov, curator):
    actor, _statement = antonov
    people.actors_review(actors=Actor.objects.filter(pk=actor.pk), state="approved", user=curator)
    report = people.actors_review(actors=Actor.objects.filter(pk=actor.pk), state="approved", user=curator)
    assert (report.changed, report.extracted) == (0, 0)
