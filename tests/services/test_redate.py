"""Re-dating: a document's new date carried to its machine-dated statements and their suggestions, approved
ones included; a curator's dates kept; a curator's bulk re-dating; each re-dated row in the audit trail."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from positions import selectors
from positions.models import Document, Negotiation, Party, Proposal, Source, Stance, Statement
from positions.services import curation, redate
from positions.services.statements import document_statements_extract
from positions.vocabularies import DatePrecision, ReviewState

pytestmark = pytest.mark.django_db

TEXT = """Rasmussen rejects legal guarantees

MOSCOW (Itar-Tass) — NATO Secretary General Anders Fogh Rasmussen said on Monday there was no need for a \
legally binding agreement with Russia on missile defence.

Moscow insists on legally binding guarantees that the missile defence system will not be aimed against it, \
Russian Foreign Minister Sergey Lavrov said.
"""
WRONG = date(2020, 5, 5)  # a Tuesday: the day it was read, say
RIGHT = date(2012, 2, 1)  # a Wednesday


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("carla")


@pytest.fixture
def document(seeded):
    """The report, extracted with a wrong date, its statements and stances approved."""
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    source = Source.objects.create(name="Itar-Tass", kind="page", url="https://example.org/", negotiation=negotiation)
    document = Document.objects.create(
        source=source, title="Rasmussen rejects legal guarantees", published=WRONG, text=TEXT, content_hash="d" * 64
    )
    document_statements_extract(document=document)
    reviewer = get_user_model().objects.create_user("reviewer")
    curation.rows_review(rows=document.statements.all(), state=ReviewState.APPROVED, user=reviewer)
    stances = Stance.objects.filter(evidence__document=document)
    curation.rows_review(rows=stances, state=ReviewState.APPROVED, user=reviewer)
    return document


def said(document, party: str) -> Statement:
    return document.statements.get(party__name=party)


def russia_on_guarantees() -> Stance:
    """Suggested from Russia's statement, dated by the document."""
    return Stance.objects.get(
        party__name="Russia", proposal__slug="legally-binding-guarantees", recorded_via__startswith="extractor"
    )


def test_a_new_document_date_re_dates_approved_statements_and_their_stances(document, user):
    assert said(document, "Russia").said_on == WRONG
    assert russia_on_guarantees().effective == WRONG and russia_on_guarantees().review_state == ReviewState.APPROVED

    report = redate.document_redate(document=document, published=RIGHT, user=user)

    russia_said = said(document, "Russia")
    assert (russia_said.said_on, russia_said.review_state) == (RIGHT, ReviewState.APPROVED)
    assert russia_said.machine["said_on"] == RIGHT.isoformat() and russia_said.machine_changes() == []
    stance = russia_on_guarantees()
    assert (stance.effective, stance.review_state, stance.machine["effective"]) == (
        RIGHT, ReviewState.APPROVED, RIGHT.isoformat(),
    )  # fmt: skip
    assert report.statements == 2 and report.stances >= 1 and report.kept == 0
    assert Document.objects.get(pk=document.pk).published == RIGHT
    # the matrix: Russia's stance since the day it was said, not since the day the report was read
    russia, guarantees = Party.objects.get(name="Russia"), Proposal.objects.get(slug="legally-binding-guarantees")
    in_force = selectors.stances_as_of(as_of=date(2012, 3, 1), parties=[russia], proposals=[guarantees])
    assert [(row.pk, row.effective) for row in in_force] == [(stance.pk, RIGHT)]
    matrix = selectors.positions_compare(negotiation=guarantees.negotiation, as_of=date(2012, 3, 1), parties=[russia])
    [row] = [row for row in matrix["proposals"] if row["id"] == guarantees.pk]
    # Russia held the same stance before (the seed's): the run began then, and this statement is its latest.
    cell = row["cells"][0]
    assert (cell["last_stated"], cell["latest_statement"]["said_on"]) == (RIGHT, RIGHT)
    assert cell["since"] <= RIGHT


def test_each_re_dated_row_has_a_history_record_with_the_reason(document, user):
    redate.document_redate(document=document, published=RIGHT, user=user)

    reason = "re-dated: document date 2012-02-01 (was 2020-05-05)"
    last = said(document, "Russia").history.first()
    assert (last.history_change_reason, last.history_user, last.said_on) == (reason, user, RIGHT)
    last = russia_on_guarantees().history.first()
    assert (last.history_change_reason, last.history_user, last.effective) == (reason, user, RIGHT)


def test_a_date_the_text_gives_moves_with_the_publication_date_and_is_never_after_it(document, user):
    assert said(document, "NATO").said_on == date(2020, 5, 4)  # "on Monday", counted from the wrong day

    redate.document_redate(document=document, published=RIGHT, user=user)

    nato_said = said(document, "NATO")
    assert (nato_said.said_on, nato_said.said_precision) == (date(2012, 1, 30), DatePrecision.DAY)


def test_a_date_a_curator_set_is_kept_and_a_kind_correction_does_not_keep_the_date(document, user):
    russia_said, nato_said = said(document, "Russia"), said(document, "NATO")
    curation.statement_correct(statement=nato_said, data={"said_on": date(2012, 1, 10)}, user=user)
    curation.statement_correct(statement=russia_said, data={"kind": "criticism"}, user=user)

    report = redate.document_redate(document=document, published=RIGHT, user=user)

    assert said(document, "NATO").said_on == date(2012, 1, 10)
    assert (said(document, "Russia").said_on, said(document, "Russia").kind) == (
        RIGHT, "criticism",
    )  # fmt: skip
    assert (report.statements, report.kept) == (1, 1)


def test_a_stance_date_a_curator_set_is_kept(document, user):
    curation.recorded_correct(row=russia_on_guarantees(), data={"effective": date(2011, 11, 1)}, user=user)

    redate.document_redate(document=document, published=RIGHT, user=user)

    assert said(document, "Russia").said_on == RIGHT
    assert russia_on_guarantees().effective == date(2011, 11, 1)


def test_extracting_again_after_a_date_change_re_dates_curated_statements_and_suggestions(document):
    Document.objects.filter(pk=document.pk).update(published=RIGHT)  # set some other way than the service
    document.refresh_from_db()

    document_statements_extract(document=document)

    assert said(document, "Russia").said_on == RIGHT
    assert said(document, "NATO").said_on == date(2012, 1, 30)
    stance = russia_on_guarantees()  # one row still: moved, not suggested again beside the old one
    assert (stance.effective, stance.review_state) == (RIGHT, ReviewState.APPROVED)
    assert stance.history.first().history_change_reason == "re-dated: extracted again, document date 2012-02-01"


def test_pending_statements_take_their_suggestions_along_when_extracted_again(seeded):
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    source = Source.objects.create(name="Itar-Tass", kind="page", url="https://example.org/", negotiation=negotiation)
    document = Document.objects.create(title="Report", published=WRONG, text=TEXT, content_hash="e" * 64, source=source)
    document_statements_extract(document=document)
    Document.objects.filter(pk=document.pk).update(published=RIGHT)
    document.refresh_from_db()

    document_statements_extract(document=document)

    stance = russia_on_guarantees()
    assert (stance.effective, stance.review_state) == (RIGHT, ReviewState.PENDING)
    assert said(document, "Russia").review_state == ReviewState.PENDING


def test_a_curator_re_dates_statements_in_bulk_and_their_stances_follow(document, user):
    chosen = document.statements.all()
    was = {s.pk: s.said_on for s in chosen}

    report = redate.statements_redate(
        statements=chosen, said_on=date(2012, 1, 1), said_precision=DatePrecision.MONTH, user=user
    )

    assert report.statements == 2 and report.stances >= 1
    for statement in document.statements.all():
        assert (statement.said_on, statement.said_precision, statement.corrected) == (
            date(2012, 1, 1), DatePrecision.MONTH, True,
        )  # fmt: skip
        last = statement.history.first()
        assert last.history_change_reason == f"re-dated by a curator: 2012-01-01 (was {was[statement.pk].isoformat()})"
        assert last.history_user == user
        assert statement.machine["said_on"] != "2012-01-01"  # what the extractor said stays
    assert russia_on_guarantees().effective == date(2012, 1, 1)
    # a curator's decision: a new document date no longer moves them
    assert redate.document_redate(document=document, published=RIGHT, user=user).kept == 2
    assert {s.said_on for s in document.statements.all()} == {date(2012, 1, 1)}
