"""Curators' writes through the API: statements, stances and status changes, and their review."""

from django.db import transaction

from positions.models import Stance, Statement, StatusChange
from positions.vocabularies import ReviewState

CURATOR_VIA = "api"


@transaction.atomic
def statement_create(*, data: dict, user) -> Statement:
    """A statement a person entered: approved, no extractor version, full confidence."""
    topics = data.pop("topics", [])
    statement = Statement.objects.create(
        **data, review_state=ReviewState.APPROVED, extractor_version="", confidence=1.0
    )
    statement.topics.set(topics)
    return statement


@transaction.atomic
def statement_correct(*, statement: Statement, data: dict, user) -> Statement:
    topics = data.pop("topics", None)
    for name, value in data.items():
        setattr(statement, name, value)
    statement.corrected = True  # a curator's decision: extracting again must keep it
    statement.save()
    if topics is not None:
        statement.topics.set(topics)
    return statement


@transaction.atomic
def recorded_create(*, model: type[Stance] | type[StatusChange], data: dict, user) -> Stance | StatusChange:
    evidence = data.pop("evidence", [])
    row = model.objects.create(**data, recorded_by=user, recorded_via=CURATOR_VIA, review_state=ReviewState.APPROVED)
    row.evidence.set(evidence)
    return row


@transaction.atomic
def recorded_correct(*, row: Stance | StatusChange, data: dict, user) -> Stance | StatusChange:
    evidence = data.pop("evidence", None)
    for name, value in data.items():
        setattr(row, name, value)
    row.save()
    if evidence is not None:
        row.evidence.set(evidence)
    return row


def review_set(*, row: Statement | Stance | StatusChange, state: str, user) -> None:
    """Approve or reject; the row keeps everything else as it was."""
    type(row).objects.filter(pk=row.pk).update(review_state=state)
    row.review_state = state
