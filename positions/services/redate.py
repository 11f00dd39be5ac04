"""Re-dating: a document's new published date carried to its statements and to the suggestions they are
evidence for; a curator's new date for many statements at once. Every re-dated row gets a history record
saying why.

Which statements follow their document's date: the machine-dated ones, whatever their review state, and
not those whose date a person set (entered by a person, or a curator changed `said_on` or its precision:
`machine` says what the extractor said; a corrected row extracted before `machine` was kept is left as
it is, its date may be the curator's). Such a statement gets the date the date stage reads now against
the new publication date, as a fresh extraction would: a statement dated by its document takes the new
date; one dated by its text keeps a date the text gives in full ("on June 8, 2011") and moves with the
publication date where the words count from it ("on Monday", "in June", "last week"), so that its date
is never after the new publication date. What the extractor said (`machine`) moves with it: the date is
still the machine's, and a curator's later correction is told apart from it.

A stance, status change or relation takes the said date of its earliest evidence, unless a person recorded it or
a curator changed its date; one that would then repeat a live row (same party, proposal, stance and day)
is folded into it, as merging does.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from positions import pipeline
from positions.models import Document, ProposalRelation, Stance, Statement, StatusChange
from positions.services.audit import audited
from positions.services.curation import statement_correct
from positions.services.merge import _fold_evidence, _live_twin
from positions.vocabularies import StatementMode


@dataclass
class RedateReport:
    statements: int = 0  # re-dated
    kept: int = 0  # dated by a person: left as they were
    stances: int = 0
    statuses: int = 0
    relations: int = 0
    folded: int = 0  # suggestions folded into a row of the new day

    def line(self) -> str:
        return (
            f"{self.statements} statements re-dated, {self.kept} kept as a curator dated them; "
            f"{self.stances} stances and {self.statuses} status changes re-dated, {self.folded} folded"
        )


def machine_dated(statement: Statement) -> bool:
    """Whether the statement's date is still the extractor's (no person set it)."""
    if not statement.extractor_version:
        return False
    if statement.machine is None:
        return not statement.corrected
    said = statement.machine.get("said_on"), statement.machine.get("said_precision", statement.said_precision)
    return said == (statement.said_on.isoformat(), statement.said_precision)


@transaction.atomic
def document_redate(*, document: Document, published: date | None, user=None) -> RedateReport:
    """Set a document's published date and re-date its machine-dated statements and their suggestions.

    Clearing the date re-dates nothing: a statement keeps the last date it had rather than none."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    was = locked.published
    document.published = published
    document.date_implausible = False  # a person's date
    Document.objects.filter(pk=document.pk).update(published=published, date_implausible=False)
    if published is None:
        return RedateReport()
    statements = list(locked.statements.order_by("start"))
    spans = [(s.start, s.end, s.mode == StatementMode.TURN) for s in statements]
    dated = pipeline.statements_dated(locked.text, published, spans)
    dates = {statement.pk: said for statement, said in zip(statements, dated, strict=True)}
    reason = f"re-dated: document date {published.isoformat()} (was {was.isoformat() if was else 'none'})"
    return statements_machine_redate(statements=statements, dates=dates, user=user, reason=reason)


def statements_machine_redate(
    *, statements, dates: dict[int, pipeline.DateSaid | None], user, reason: str
) -> RedateReport:
    """Give machine-dated statements the dates the date stage now reads (`dates` by statement id), then
    re-date the suggestions they are evidence for. Statements a person dated are kept and counted."""
    report = RedateReport()
    moved = []
    for statement in statements:
        said = dates.get(statement.pk)
        if said is None or (said.day, said.precision) == (statement.said_on, statement.said_precision):
            continue
        if not machine_dated(statement):
            report.kept += 1
            continue
        statement.said_on, statement.said_precision = said.day, said.precision
        fields = ["said_on", "said_precision"]
        if statement.machine is not None:
            statement.machine = {**statement.machine, "said_on": said.day.isoformat(), "said_precision": said.precision}
            fields.append("machine")
        audited(statement, user=user, reason=reason).save(update_fields=fields)
        moved.append(statement.pk)
    report.statements = len(moved)
    suggestions_redate(statement_ids=moved, user=user, reason=reason, report=report)
    return report


@transaction.atomic
def statements_redate(*, statements, said_on: date, said_precision: str, user) -> RedateReport:
    """A curator's date for many statements (a queryset): each is marked corrected, so that neither
    extracting again nor a new document date moves it, and the suggestions they are evidence for follow."""
    report = RedateReport()
    moved = []
    for statement in Statement.objects.filter(pk__in=list(statements.values_list("pk", flat=True))).order_by("pk"):
        if (statement.said_on, statement.said_precision) == (said_on, said_precision) and statement.corrected:
            continue
        reason = f"re-dated by a curator: {said_on.isoformat()} (was {statement.said_on.isoformat()})"
        statement_correct(
            statement=statement, data={"said_on": said_on, "said_precision": said_precision}, user=user, reason=reason
        )
        moved.append(statement.pk)
    report.statements = len(moved)
    reason = f"re-dated by a curator: evidence said {said_on.isoformat()}"
    suggestions_redate(statement_ids=moved, user=user, reason=reason, report=report)
    return report


def suggestions_redate(*, statement_ids: list[int], user, reason: str, report: RedateReport) -> None:
    """Stances and status changes these statements are evidence for take their earliest evidence's date."""
    if not statement_ids:
        return
    for model in (Stance, StatusChange):
        ids = set(model.objects.filter(evidence__in=statement_ids).values_list("pk", flat=True))
        rows = model.objects.filter(pk__in=ids).select_for_update().order_by("pk")
        for row in rows.prefetch_related("evidence"):
            earliest = min(s.said_on for s in row.evidence.all())
            if earliest == row.effective or not _machine_effective(row):
                continue
            row.effective = earliest
            if row.machine is not None:
                row.machine = {**row.machine, "effective": earliest.isoformat()}
            same = {"party_id": row.party_id, "stance": row.stance} if model is Stance else {"status": row.status}
            twin = _live_twin(model, row, proposal_id=row.proposal_id, **same)
            if twin is not None and twin.pk != row.pk:
                _fold_evidence(into=twin, duplicate=row, user=user, reason=reason)
                report.folded += 1
                continue
            audited(row, user=user, reason=reason).save(update_fields=["effective", "machine"])
            if model is Stance:
                report.stances += 1
            else:
                report.statuses += 1
    _relations_redate(statement_ids=statement_ids, user=user, reason=reason, report=report)


def _relations_redate(*, statement_ids: list[int], user, reason: str, report: RedateReport) -> None:
    """A suggested relation holds from the day its earliest evidence was said (one live row per relation:
    nothing to fold)."""
    ids = set(ProposalRelation.objects.filter(evidence__in=statement_ids).values_list("pk", flat=True))
    rows = ProposalRelation.objects.filter(pk__in=ids).select_for_update().order_by("pk")
    for row in rows.prefetch_related("evidence"):
        earliest = min(row.evidence.all(), key=lambda s: s.said_on)
        if earliest.said_on == row.effective or not _machine_effective(row):
            continue
        row.effective, row.effective_precision = earliest.said_on, earliest.said_precision
        if row.machine is not None:
            row.machine = {**row.machine, "effective": earliest.said_on.isoformat()}
        audited(row, user=user, reason=reason).save(update_fields=["effective", "effective_precision", "machine"])
        report.relations += 1


def _machine_effective(row: Stance | StatusChange | ProposalRelation) -> bool:
    """Whether the row's date is still the extractor's: a suggestion whose date no curator changed."""
    if not row.recorded_via.startswith("extractor"):
        return False
    return row.machine is None or row.machine.get("effective") == row.effective.isoformat()
