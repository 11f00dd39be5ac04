"""Records target dates (positions.models.Deadline): the phrase as said, read into a due day.

The due day comes from the phrase, read from the day its earliest evidence was said
(positions/statements/deadlines.py); a curator gives it instead when the phrase names something the
record holds no date for ("before the Chicago summit").
"""

from datetime import date

from django.db import transaction

from positions.models import Deadline, Party, Proposal, Statement
from positions.pipeline import deadline_read
from positions.services.curation import CURATOR_VIA, recorded_create
from positions.vocabularies import DatePrecision


class DeadlineUndated(ValueError):
    """The phrase names no date that can be read, and none was given."""


def deadline_due(
    *, phrase: str, evidence: list[Statement], due: date | None = None, events: dict[str, date] | None = None
) -> tuple[date, str]:
    """(due day, precision): the one given (a day), else the phrase read from its earliest evidence's day."""
    if due is not None:
        return due, DatePrecision.DAY
    said = min((s.said_on for s in evidence), default=None)
    found = deadline_read(phrase=phrase, said_on=said, events=events) if said else None
    if found is None:
        raise DeadlineUndated(f"No date in {phrase!r}" + ("" if said else " without evidence") + ": enter the due day.")
    return found.day, found.precision


@transaction.atomic
def deadline_record(
    *,
    proposal: Proposal,
    phrase: str,
    evidence: list[Statement],
    party: Party | None = None,
    due: date | None = None,
    effective: date | None = None,
    note: str = "",
    user=None,
    via: str = CURATOR_VIA,
) -> Deadline:
    """A target date a person recorded: approved, set on the day its earliest evidence was said unless told."""
    day, precision = deadline_due(phrase=phrase, evidence=evidence, due=due)
    data = {
        "proposal": proposal,
        "party": party,
        "phrase": phrase,
        "due": day,
        "due_precision": precision,
        "effective": effective or min((s.said_on for s in evidence), default=None),
        "note": note,
        "evidence": evidence,
    }
    if data["effective"] is None:
        raise DeadlineUndated("A deadline without evidence needs the day it was set (effective).")
    return recorded_create(model=Deadline, data=data, user=user, via=via)
