"""The fixed vocabularies of DESIGN.md; each change needs a migration (the check constraints follow)."""

from django.db import models


class ReviewState(models.TextChoices):
    PENDING = "pending", "pending review"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "rejected"


class PartyKind(models.TextChoices):
    STATE = "state", "state"
    ALLIANCE = "alliance", "alliance"
    ORGANISATION = "organisation", "organisation"


class ActorKind(models.TextChoices):
    PERSON = "person", "person"
    BODY = "body", "body"


class StatementKind(models.TextChoices):
    PROPOSAL = "proposal", "proposal"
    DEMAND = "demand", "demand"
    ACCEPTANCE = "acceptance", "acceptance"
    REJECTION = "rejection", "rejection"
    THREAT = "threat", "threat"
    ASSURANCE = "assurance", "assurance"
    APPEAL = "appeal", "appeal"
    CRITICISM = "criticism", "criticism"
    ASSESSMENT = "assessment", "assessment"


# CAMEO root code of each statement kind, for event-data export.
CAMEO_ROOT = {
    StatementKind.PROPOSAL: "03",
    StatementKind.DEMAND: "10",
    StatementKind.ACCEPTANCE: "08",
    StatementKind.REJECTION: "12",
    StatementKind.THREAT: "13",
    StatementKind.ASSURANCE: "03",
    StatementKind.APPEAL: "02",
    StatementKind.CRITICISM: "11",
    StatementKind.ASSESSMENT: "01",
}


class StatementMode(models.TextChoices):
    DIRECT = "direct", "direct quote"
    INDIRECT = "indirect", "reported speech"
    TURN = "turn", "transcript turn"


class DatePrecision(models.TextChoices):
    """How exactly a statement's date is known: the day ("on Monday"), only its month ("in June",
    stored as the 1st) or year ("in 2010", stored as 1 January), or roughly ("last week")."""

    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"
    APPROXIMATE = "approximate", "approximate"


class ProposalKind(models.TextChoices):
    PROPOSAL = "proposal", "proposal"
    DEMAND = "demand", "demand"
    THREAT = "threat", "threat"
    OFFER = "offer", "offer"


class ProposalStatus(models.TextChoices):
    TABLED = "tabled", "tabled"
    UNDER_DISCUSSION = "under_discussion", "under discussion"
    ACCEPTED = "accepted", "accepted"
    REJECTED = "rejected", "rejected"
    IMPLEMENTED = "implemented", "implemented"
    WITHDRAWN = "withdrawn", "withdrawn"
    STALLED = "stalled", "stalled"
    SUPERSEDED = "superseded", "superseded"


# What a proposal's status says of a deadline on it (DESIGN.md's statuses): agreed or carried out meets
# it; refused, withdrawn or replaced closes it unmet but not overdue (there is nothing left to wait for);
# tabled, under discussion and stalled leave it open, overdue once the day is past.
DEADLINE_MET = frozenset({ProposalStatus.ACCEPTED, ProposalStatus.IMPLEMENTED})
DEADLINE_CLOSED = frozenset({ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN, ProposalStatus.SUPERSEDED})


class DeadlineState(models.TextChoices):
    """Where a deadline stands as of a date: ahead (open, due on or after it), overdue (open, due before
    it), met (the proposal reached an agreed or carried-out status by then) or closed (refused,
    withdrawn or superseded by then)."""

    UPCOMING = "upcoming", "upcoming"
    OVERDUE = "overdue", "overdue"
    MET = "met", "met"
    CLOSED = "closed", "closed unmet"


class StanceValue(models.TextChoices):
    SUPPORTS = "supports", "supports"
    OPPOSES = "opposes", "opposes"
    CONDITIONAL = "conditional", "conditional"
    AMBIGUOUS = "ambiguous", "ambiguous"


class SourceKind(models.TextChoices):
    FEED = "feed", "RSS/Atom feed"
    PAGE = "page", "web page"
    FILES = "files", "files"
    UPLOAD = "upload", "manual upload"


class ItemState(models.TextChoices):
    PENDING = "pending", "pending"
    PROCESSING = "processing", "processing"
    DONE = "done", "new document"
    DUPLICATE = "duplicate", "same text as a stored document"
    NO_TEXT = "no_text", "no text"
    FAILED = "failed", "failed"


def choice_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A check constraint that keeps `field` inside its vocabulary at the database level."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)
