"""Suggested relations between proposals: from a statement's cue through the pipeline to a pending row, kept
idempotent by the importer, and curators' decisions kept; approving one makes it public."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from positions import pipeline, selectors
from positions.models import Document, Negotiation, ProposalRelation, Source
from positions.services import curation
from positions.services.merge import proposals_merge
from positions.services.statements import document_findings_import, document_statements_extract
from positions.statements.records import (
    Findings,
    Found,
    RelationSuggestion,
    Speaker,
    StatementFinding,
)
from positions.vocabularies import ReviewState
from tests import factories as f

pytestmark = pytest.mark.django_db

SENTENCE = "The sectoral system was put forward in response to NATO territorial missile defence."


def findings(document: Document, *, relation: str = "counter_to", quote: str = SENTENCE, start: int = 0):
    found = Found(
        start, start + len(quote), quote, "indirect", Speaker(party="Russia", kind="party"), said_on=date(2010, 11, 20)
    )
    suggestion = RelationSuggestion("sectoral", "territorial", relation, "in response to", 0.6)
    return Findings(statements=(StatementFinding(found, relations=(suggestion,)),))


@pytest.fixture
def setting():
    negotiation = f.negotiation()
    russia = f.party(name="Russia")
    sectoral = f.proposal(negotiation=negotiation, slug="sectoral", proponent=russia)
    territorial = f.proposal(negotiation=negotiation, slug="territorial")
    document = f.document(text=SENTENCE + " " + SENTENCE.replace("sectoral", "joint"), published=date(2010, 11, 21))
    return sectoral, territorial, document


def test_a_statement_with_a_relation_cue_suggests_a_pending_relation_with_it_as_evidence(setting):
    sectoral, territorial, document = setting
    report = document_findings_import(document=document, findings=findings(document))

    [row] = ProposalRelation.objects.all()
    assert (row.from_proposal, row.to_proposal, row.relation) == (sectoral, territorial, "counter_to")
    assert (row.review_state, row.effective, row.confidence) == (ReviewState.PENDING, date(2010, 11, 20), 0.6)
    assert row.recorded_via.startswith("extractor") and "in response to" in row.note
    assert [s.quote for s in row.evidence.all()] == [SENTENCE]
    assert row.machine["relation"] == "counter_to" and report.relations["suggested"] == 1


def test_importing_again_changes_nothing(setting):
    _, _, document = setting
    document_findings_import(document=document, findings=findings(document))
    records = ProposalRelation.history.count()
    again = document_findings_import(document=document, findings=findings(document))
    assert (again.relations["suggested"], again.relations["unchanged"]) == (0, 1)
    [row] = ProposalRelation.objects.all()
    assert row.evidence.count() == 1 and ProposalRelation.history.count() == records


def test_a_second_statement_adds_evidence_not_a_row(setting):
    _, _, document = setting
    document_findings_import(document=document, findings=findings(document))
    second = findings(document, quote=SENTENCE.replace("sectoral", "joint"), start=len(SENTENCE) + 1)
    both = Findings(statements=findings(document).statements + second.statements)
    document_findings_import(document=document, findings=both)
    [row] = ProposalRelation.objects.all()
    assert row.evidence.count() == 2


def test_a_rejected_suggestion_is_not_made_again_and_an_approved_one_stays_approved(setting):
    _, _, document = setting
    user = get_user_model().objects.create(username="curator")
    document_findings_import(document=document, findings=findings(document))
    row = ProposalRelation.objects.get()
    curation.review_set(row=row, state=ReviewState.REJECTED, user=user)

    report = document_findings_import(document=document, findings=findings(document))
    assert report.relations["declined"] == 1
    assert list(ProposalRelation.objects.values_list("review_state", flat=True)) == [ReviewState.REJECTED]

    curation.review_set(row=row, state=ReviewState.APPROVED, user=user)
    document_findings_import(document=document, findings=findings(document))
    assert list(ProposalRelation.objects.values_list("review_state", flat=True)) == [ReviewState.APPROVED]
    assert row.history.first().history_user == user


def test_a_suggestion_goes_with_its_only_statement(setting):
    _, _, document = setting
    document_findings_import(document=document, findings=findings(document))
    report = document_findings_import(document=document, findings=Findings())
    assert report.relations["deleted"] == 1 and not ProposalRelation.objects.exists()


def test_approving_a_suggestion_in_the_service_makes_it_public_as_approved(setting):
    sectoral, _, document = setting
    document_findings_import(document=document, findings=findings(document))
    row = ProposalRelation.objects.get()
    statement = row.evidence.get()
    curation.review_set(row=statement, state=ReviewState.APPROVED, user=None)

    public = selectors.proposal_relations(proposal_id=sectoral.id, states=[ReviewState.APPROVED])
    assert public["relations"] == []
    curation.review_set(row=row, state=ReviewState.APPROVED, user=None)
    [shown] = selectors.proposal_relations(proposal_id=sectoral.id, states=[ReviewState.APPROVED])["relations"]
    assert (shown["id"], shown["review_state"], shown["evidence"][0]["id"]) == (row.id, "approved", statement.id)


def test_merging_two_proposals_moves_their_relations_and_drops_one_between_them(db):
    keep, merged, other = f.proposal(), None, None
    merged = f.proposal(negotiation=keep.negotiation)
    other = f.proposal(negotiation=keep.negotiation)
    between = f.relation(from_proposal=merged, to_proposal=keep, relation="supersedes")
    moved = f.relation(from_proposal=other, to_proposal=merged, relation="backs")
    twin = f.relation(from_proposal=keep, to_proposal=other)
    duplicate = f.relation(from_proposal=merged, to_proposal=other)
    duplicate.evidence.add(f.statement())

    report = proposals_merge(keep=keep, merged=merged, user=None)
    assert not ProposalRelation.objects.filter(pk__in=[between.pk, duplicate.pk]).exists()
    moved.refresh_from_db()
    assert (moved.from_proposal, moved.to_proposal) == (other, keep)
    assert twin.evidence.count() == 1
    assert (report.moved["relations"], report.folded["relations"]) == (1, 2)


def test_the_pipeline_suggests_a_relation_a_sentence_states(seeded):
    """End to end on a text written for the test: the stages find the statement, the cue table the relation,
    and the importer stores it pending."""
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    source = Source.objects.create(name="Wire", kind="page", url="https://example.org/", negotiation=negotiation)
    text = (
        "Russia warns NATO over missile defence\n\n"
        "MOSCOW, March 3 (Wire) — Russia will deploy Iskander missiles in the Kaliningrad region unless the "
        "United States and NATO give legally binding guarantees that missile defence is not aimed at Russia's "
        "strategic nuclear forces, Russian Foreign Minister Sergey Lavrov said on Monday.\n"
    )
    document = Document.objects.create(
        source=source, title="Russia warns NATO", published=date(2012, 3, 3), text=text, content_hash="b" * 64
    )
    found = pipeline.extract_document(pipeline_input(document), selectors.lexicon_load(negotiation=negotiation))
    suggested = {(r.from_proposal, r.to_proposal, r.relation) for s in found.statements for r in s.relations}
    assert ("iskander-in-kaliningrad", "legally-binding-guarantees", "backs") in suggested

    document_statements_extract(document=document)
    row = ProposalRelation.objects.get(review_state=ReviewState.PENDING)
    assert (row.from_proposal.slug, row.to_proposal.slug, row.relation) == (
        "iskander-in-kaliningrad",
        "legally-binding-guarantees",
        "backs",
    )
    assert row.evidence.get().document == document


def pipeline_input(document: Document):
    from positions.services.statements import document_input

    return document_input(document)


def test_a_suggested_relation_follows_its_evidence_when_a_curator_re_dates_it(setting):
    from positions.models import Statement
    from positions.services.redate import statements_redate

    _, _, document = setting
    document_findings_import(document=document, findings=findings(document))
    row = ProposalRelation.objects.get()
    report = statements_redate(
        statements=Statement.objects.filter(document=document),
        said_on=date(2010, 11, 1),
        said_precision="month",
        user=None,
    )
    row.refresh_from_db()
    assert (row.effective, row.effective_precision, report.relations) == (date(2010, 11, 1), "month", 1)
