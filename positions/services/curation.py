"""Curators' writes (API and admin): statements, stances, status changes and proposal relations, their
correction and review.

Every write names its user and a reason, so the audit trail (django-simple-history) says who did
what; a correction keeps what the extractor said in `machine` and marks the row `corrected`. Every
write is announced to the webhooks' subscribers once it commits (`services.webhooks`).
"""

from django.db import transaction

from positions.models import Actor, ProposalRelation, Stance, Statement, StatusChange
from positions.services.audit import audited, history_bulk_record
from positions.services.webhooks import changes_announce, rows_announce
from positions.vocabularies import DatePrecision, ReviewState

CURATOR_VIA = "api"
REVIEW_REASONS = {ReviewState.APPROVED: "approved", ReviewState.REJECTED: "rejected", ReviewState.PENDING: "reopened"}

Recorded = Stance | StatusChange | ProposalRelation
Reviewable = Statement | Recorded | Actor


@transaction.atomic
def statement_create(*, data: dict, user) -> Statement:
    """A statement a person entered: approved, no extractor version, full confidence."""
    topics = data.pop("topics", [])
    statement = audited(
        Statement(**data, review_state=ReviewState.APPROVED, extractor_version="", confidence=1.0),
        user=user,
        reason="entered",
    )
    statement.save()
    statement.topics.set(topics)
    changes_announce(statements=[statement.pk])
    return statement


@transaction.atomic
def statement_correct(*, statement: Statement, data: dict, user, reason: str = "corrected") -> Statement:
    """Change what a curator changes; what the extractor said stays in `machine`.

    Rows extracted before `machine` existed get it now, from their values as stored: untouched by
    a curator (not corrected), they are still what the extractor said.
    """
    stored = Statement.objects.select_for_update().get(pk=statement.pk)
    if stored.machine is None and stored.extractor_version and not stored.corrected:
        statement.machine = {
            **stored.values(),
            "confidence": stored.confidence,
            "extractor_version": stored.extractor_version,
        }
    topics = data.pop("topics", None)
    if "said_on" in data and "said_precision" not in data:
        data["said_precision"] = DatePrecision.DAY  # a date a curator sets is a day unless they say otherwise
    for name, value in data.items():
        setattr(statement, name, value)
    statement.corrected = True  # a curator's decision: extracting again must keep it
    if topics is not None:
        _set_without_history(statement.topics, statement, topics)
    audited(statement, user=user, reason=reason).save()
    changes_announce(statements=[statement.pk])
    return statement


@transaction.atomic
def recorded_create(*, model: type[Recorded], data: dict, user, via: str = CURATOR_VIA) -> Recorded:
    """A stance, status change or relation a person recorded (through `via`: the API or the admin): approved."""
    evidence = data.pop("evidence", [])
    row = audited(
        model(**data, recorded_by=user, recorded_via=via, review_state=ReviewState.APPROVED),
        user=user,
        reason="entered",
    )
    row.save()
    row.evidence.set(evidence)
    rows_announce(model=model, ids=[row.pk])
    return row


@transaction.atomic
def recorded_correct(*, row: Recorded, data: dict, user) -> Recorded:
    """Change a stance, status change or relation; a suggestion's machine values stay in `machine`."""
    evidence = data.pop("evidence", None)
    for name, value in data.items():
        setattr(row, name, value)
    if evidence is not None:
        _set_without_history(row.evidence, row, evidence)
    audited(row, user=user, reason="corrected").save()
    rows_announce(model=type(row), ids=[row.pk])
    return row


def _set_without_history(relation, row, values) -> None:
    """Set a many-to-many relation of `row` so that the change goes into the one history record the
    row's own save makes next, not into one of its own."""
    row.skip_history_when_saving = True
    try:
        relation.set(values)
    finally:
        del row.skip_history_when_saving


@transaction.atomic
def review_set(*, row: Reviewable, state: str, user) -> None:
    """Approve or reject one row; the row keeps everything else as it was."""
    if row.review_state == state:
        return
    row.review_state = state
    audited(row, user=user, reason=REVIEW_REASONS[state]).save(update_fields=["review_state"])
    rows_announce(model=type(row), ids=[row.pk])


@transaction.atomic
def rows_review(*, rows, state: str, user) -> int:
    """Approve or reject many rows (a queryset) at once, with one history record each; returns how many changed."""
    model = rows.model
    # By id: the admin's queryset may be DISTINCT (a topic filter), which cannot be locked FOR UPDATE.
    ids = list(rows.values_list("pk", flat=True))
    changed = list(model.objects.filter(pk__in=ids).exclude(review_state=state).select_for_update())
    for row in changed:
        row.review_state = state
    if changed:
        model.objects.bulk_update(changed, ["review_state"])
        history_bulk_record(rows=changed, model=model, user=user, reason=REVIEW_REASONS[state], update=True)
        rows_announce(model=model, ids=[row.pk for row in changed])
    return len(changed)
