"""Speakers nobody entered at the curators' desk: a pending actor with its suggested role and the statements
that are its evidence; approving it (button or action) extracts its documents again."""

import hashlib
from datetime import date

import pytest
from django.urls import reverse

from positions.models import Actor, Document, Negotiation, Source, Stance, Statement
from positions.services.statements import document_statements_extract
from positions.vocabularies import ReviewState

pytestmark = pytest.mark.django_db
ACTORS = reverse("admin:positions_actor_changelist")
TEXT = (
    "Antonov warns NATO\n\nMOSCOW, February 1 (Itar-Tass) — Russian Deputy Defence Minister Anatoly Antonov said "
    "Russia insists on legally binding guarantees that the missile defence system will not be aimed against its "
    "strategic nuclear forces.\n"
)


@pytest.fixture
def antonov(seeded) -> Actor:
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    source = Source.objects.create(name="Itar-Tass", kind="page", url="https://example.org/", negotiation=negotiation)
    document = Document.objects.create(
        source=source, title="Antonov warns NATO", publisher="Itar-Tass", published=date(2012, 2, 1), text=TEXT,
        content_hash=hashlib.sha256(TEXT.encode()).hexdigest(),
    )  # fmt: skip
    document_statements_extract(document=document)
    return Actor.objects.get(name="Anatoly Antonov")


def test_the_pending_actor_is_listed_with_its_suggested_role(curator_client, antonov):
    response = curator_client.get(ACTORS, {"review": "pending"})

    assert response.status_code == 200
    assert [a.pk for a in response.context["cl"].result_list] == [antonov.pk]
    html = response.content.decode()
    assert "Deputy Defence Minister, Russia (from 2012-02-01)" in html


def test_its_page_shows_the_role_to_correct_and_the_statements_that_are_its_evidence(curator_client, antonov):
    statement = Statement.objects.get(speaker=antonov)

    response = curator_client.get(reverse("admin:positions_actor_change", args=[antonov.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Deputy Defence Minister"' in html  # the role's inline form, to edit before approving
    document_url = reverse("admin:positions_document_change", args=[statement.document_id])
    assert f'<a href="{document_url}">“Russia insists on legally binding guarantees' in html
    assert "Antonov warns NATO" in html


def test_approving_it_extracts_its_documents_again(curator_client, antonov):
    url = reverse("admin:positions_actor_review", args=[antonov.pk, ReviewState.APPROVED])

    response = curator_client.post(url, follow=True)

    assert response.status_code == 200
    assert "1 documents extracted again" in response.content.decode()
    antonov.refresh_from_db()
    assert antonov.review_state == ReviewState.APPROVED
    stance = Stance.objects.get(evidence__speaker=antonov)
    assert (stance.party.name, stance.proposal.slug, stance.stance) == (
        "Russia",
        "legally-binding-guarantees",
        "supports",
    )


def test_the_bulk_action_approves_and_extracts_again_too(curator_client, antonov):
    response = curator_client.post(
        ACTORS, {"action": "approve_selected", "_selected_action": [antonov.pk]}, follow=True
    )

    assert response.status_code == 200
    assert Actor.objects.get(pk=antonov.pk).review_state == ReviewState.APPROVED
    assert Stance.objects.filter(evidence__speaker=antonov, party__name="Russia").exists()


def test_staff_who_only_read_cannot_approve(reader_client, antonov):
    url = reverse("admin:positions_actor_review", args=[antonov.pk, ReviewState.APPROVED])
    assert reader_client.post(url).status_code == 403
    assert Actor.objects.get(pk=antonov.pk).review_state == ReviewState.PENDING


def test_the_queue_offers_to_approve_a_new_speaker_with_its_suggested_role(curator_client, antonov):
    queue = reverse("admin:positions_statement_changelist")
    approve = reverse("admin:positions_actor_review", args=[antonov.pk, ReviewState.APPROVED])

    html = curator_client.get(queue).content.decode()

    assert "Anatoly Antonov (new, pending)" in html
    assert "suggested role: Deputy Defence Minister, Russia (from 2012-02-01)." in html
    assert f'formaction="{approve}" formmethod="post">Approve Anatoly Antonov with this role</button>' in html

    response = curator_client.post(approve, {"next": queue})  # what the button posts (with the queue's form)

    assert response.status_code == 302 and response["Location"] == queue
    assert Actor.objects.get(pk=antonov.pk).review_state == ReviewState.APPROVED
    assert "with this role" not in curator_client.get(queue).content.decode()


def test_staff_who_only_read_are_not_offered_the_new_speaker_s_approval(reader_client, antonov):
    html = reader_client.get(reverse("admin:positions_statement_changelist")).content.decode()
    assert "Anatoly Antonov (new, pending)" in html and "with this role" not in html
