"""Curators' writes: corrections keep what the extractor said, reviews and corrections are in the audit trail,
and extraction records the machine's values beside the row."""

from datetime import date

import pytest
from django.contrib.auth.models import User

from positions.models import Document, Negotiation, Source, Stance, Statement
from positions.services import curation
from positions.services.statements import document_statements_extract
from positions.statements.records import EXTRACTOR_VERSION
from positions.vocabularies import ReviewState
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return User.objects.create_user("carla")


def machine_statement(**kw) -> Statement:
    return factories.statement(**{"extractor_version": "test-1", "review_state": ReviewState.PENDING, **kw})


def test_a_correction_of_a_row_extracted_before_machine_values_were_kept_keeps_them_now(user):
    wrong, right = factories.actor(name="Wrong"), factories.actor(name="Right")
    topic = factories.issue(key="architecture")
    statement = machine_statement(speaker=wrong, kind="assessment")
    statement.topics.set([topic])
    assert statement.machine is None

    curation.statement_correct(statement=statement, data={"speaker": right, "kind": "demand", "topics": []}, user=user)

    statement.refresh_from_db()
    assert (statement.speaker, statement.kind, statement.corrected) == (right, "demand", True)
    assert statement.machine["speaker"] == "Wrong" and statement.machine["kind"] == "assessment"
    assert statement.machine["topics"] == ["architecture"] and statement.machine["extractor_version"] == "test-1"
    assert sorted(statement.machine_changes()) == [
        ("kind", "assessment", "demand"), ("speaker", "Wrong", "Right"), ("topics", ["architecture"], []),
    ]  # fmt: skip


def test_a_second_correction_keeps_the_first_machine_values(user):
    statement = machine_statement(kind="assessment")
    curation.statement_correct(statement=statement, data={"kind": "demand"}, user=user)
    curation.statement_correct(statement=statement, data={"kind": "threat"}, user=user)
    statement.refresh_from_db()
    assert (statement.kind, statement.machine["kind"]) == ("threat", "assessment")


def test_a_correction_is_one_history_record_with_its_user_reason_and_topics(user):
    statement = machine_statement()
    topic = factories.issue()
    before = statement.history.count()

    curation.statement_correct(statement=statement, data={"kind": "demand", "topics": [topic]}, user=user)

    assert statement.history.count() == before + 1
    record = statement.history.first()
    assert (record.history_user, record.history_change_reason, record.kind) == (user, "corrected", "demand")
    assert [t.issue_id for t in record.topics.all()] == [topic.pk]
    assert {c.field for c in record.diff_against(record.prev_record).changes} == {"kind", "corrected", "topics"}


def test_review_set_records_who_approved(user):
    statement = machine_statement()
    curation.review_set(row=statement, state=ReviewState.APPROVED, user=user)
    record = statement.history.first()
    assert (record.review_state, record.history_user, record.history_change_reason) == ("approved", user, "approved")
    curation.review_set(row=statement, state=ReviewState.APPROVED, user=user)  # no change, no record
    assert statement.history.count() == 2


def test_rows_review_reviews_many_with_a_history_record_each(user):
    rows = [machine_statement() for _ in range(3)]
    done = machine_statement(review_state=ReviewState.REJECTED)

    count = curation.rows_review(
        rows=Statement.objects.filter(pk__in=[r.pk for r in [*rows, done]]), state=ReviewState.REJECTED, user=user
    )

    assert count == 3
    for row in rows:
        record = row.history.first()
        assert (record.review_state, record.history_user, record.history_change_reason) == (
            "rejected",
            user,
            "rejected",
        )


def test_recorded_correct_keeps_the_suggestion_in_machine(user):
    stance = factories.stance(
        stance="supports", review_state=ReviewState.PENDING, machine={"stance": "supports", "effective": "2010-01-01"}
    )
    curation.recorded_correct(row=stance, data={"stance": "conditional"}, user=user)
    stance.refresh_from_db()
    assert (stance.stance, stance.machine["stance"]) == ("conditional", "supports")
    assert stance.history.first().history_user == user


TEXT = """Rasmussen rejects legal guarantees

MOSCOW, February 1 (Itar-Tass) — NATO Secretary General Anders Fogh Rasmussen said there was no need for a \
legally binding agreement with Russia on missile defence.

Moscow insists on legally binding guarantees that the missile defence system will not be aimed against it, \
Russian Foreign Minister Sergey Lavrov said on Monday.
"""


def report() -> Document:
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    source = Source.objects.create(name="Itar-Tass", kind="page", url="https://example.org/", negotiation=negotiation)
    return Document.objects.create(
        source=source, title="Rasmussen rejects legal guarantees", publisher="Itar-Tass",
        published=date(2012, 2, 1), text=TEXT, content_hash="b" * 64,
    )  # fmt: skip


def test_extraction_records_the_machine_values_and_a_correction_survives_extracting_again(seeded, user):
    document = report()

    document_statements_extract(document=document)

    made = list(Statement.objects.filter(document=document, extractor_version=EXTRACTOR_VERSION))
    assert made
    for statement in made:
        assert statement.machine == {
            **statement.values(), "confidence": statement.confidence, "extractor_version": EXTRACTOR_VERSION,
        }  # fmt: skip
    for stance in Stance.objects.filter(evidence__document=document):
        assert stance.machine["stance"] == stance.stance and stance.machine["party"] == stance.party.name
    statement = made[0]
    curation.statement_correct(statement=statement, data={"kind": "criticism"}, user=user)

    document_statements_extract(document=document)

    statement.refresh_from_db()
    assert statement.kind == "criticism" and statement.machine["kind"] != "criticism"


def test_the_audit_trail_of_a_kind_and_date_change_shows_only_those(seeded, user):
    document = report()
    document_statements_extract(document=document)
    statement = Statement.objects.filter(document=document, topics__isnull=False).distinct().first()
    assert statement is not None, "the text gives a statement with topics"
    curation.rows_review(rows=Statement.objects.filter(pk=statement.pk), state=ReviewState.APPROVED, user=user)
    statement.refresh_from_db()

    curation.statement_correct(statement=statement, data={"kind": "criticism", "said_on": date(2012, 1, 30)}, user=user)

    records = list(statement.history.order_by("history_date", "history_id"))
    assert [r.history_change_reason for r in records] == [f"extractor {EXTRACTOR_VERSION}", "approved", "corrected"]
    for record in records:  # every record knows the topics, the bulk ones included
        assert sorted(t.issue.key for t in record.topics.all()) == statement.machine["topics"]
    approved, corrected = records[1], records[2]
    assert approved.diff_against(records[0]).changed_fields == ["review_state"]
    assert sorted(corrected.diff_against(approved).changed_fields) == ["corrected", "kind", "said_on"]
