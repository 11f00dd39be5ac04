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


# What each kind means (DESIGN.md's table): the codebook's definitions.
KIND_MEANINGS = {
    StatementKind.PROPOSAL: "Puts forward a plan or offer of joint action.",
    StatementKind.DEMAND: "Requires something of another party.",
    StatementKind.ACCEPTANCE: "Agrees to, or yields on, another party's proposal or demand.",
    StatementKind.REJECTION: "Refuses a proposal or demand.",
    StatementKind.THREAT: "Announces a measure against another party, often conditional.",
    StatementKind.ASSURANCE: "Commits to its own conduct or gives a guarantee.",
    StatementKind.APPEAL: "Calls on another party to act or cooperate.",
    StatementKind.CRITICISM: "Disapproves of another party's words or acts.",
    StatementKind.ASSESSMENT: "States a fact or evaluation.",
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


class RelationType(models.TextChoices):
    """How one proposal bears on another (a ProposalRelation goes from the first to the second)."""

    COUNTER_TO = "counter_to", "counter to"
    SUPERSEDES = "supersedes", "supersedes"
    CONDITIONAL_ON = "conditional_on", "conditional on"
    BACKS = "backs", "backs"
    ALTERNATIVE_TO = "alternative_to", "alternative to"


# Each relation read from either end: "A counters B" on A's page, "countered by A" on B's.
RELATION_WORDS = {
    RelationType.COUNTER_TO: ("counters", "countered by"),
    RelationType.SUPERSEDES: ("supersedes", "superseded by"),
    RelationType.CONDITIONAL_ON: ("is conditional on", "is a condition of"),
    RelationType.BACKS: ("backs", "backed by"),
    RelationType.ALTERNATIVE_TO: ("is an alternative to", "has as an alternative"),
}
# What each relation means, for the pages' legend and the API's schema.
RELATION_MEANINGS = {
    RelationType.COUNTER_TO: "Put forward in answer to the other, to counter it.",
    RelationType.SUPERSEDES: "Takes the other's place: the other is dropped in its favour.",
    RelationType.CONDITIONAL_ON: "Holds only if the other is carried out (a threat: if the other is).",
    RelationType.BACKS: "A threat made to back the other, a demand: carried out if the demand is not met.",
    RelationType.ALTERNATIVE_TO: "Offered in place of the other, as another way to the same end.",
}

# One sentence for each stance and status: the pages' legend and the codebook's definitions.
STANCE_MEANINGS = {
    StanceValue.SUPPORTS: "The party has said it wants the proposal adopted or carried out.",
    StanceValue.OPPOSES: "The party has said it refuses the proposal or wants it dropped.",
    StanceValue.CONDITIONAL: "The party would accept the proposal only if a condition it named is met.",
    StanceValue.AMBIGUOUS: "The party has spoken on the proposal without taking a clear side.",
}
STATUS_MEANINGS = {
    ProposalStatus.TABLED: "Its proponent has put it forward and it is on the table.",
    ProposalStatus.UNDER_DISCUSSION: "The parties are discussing or negotiating it.",
    ProposalStatus.ACCEPTED: "The parties whose agreement it needs have agreed to it.",
    ProposalStatus.REJECTED: "A party whose agreement it needs has refused it.",
    ProposalStatus.IMPLEMENTED: "It has been carried out: a treaty in force, an exercise held, a centre opened.",
    ProposalStatus.WITHDRAWN: "Its proponent has taken it off the table.",
    ProposalStatus.STALLED: "It is still on the table, but talks on it have stopped moving.",
    ProposalStatus.SUPERSEDED: "A later proposal has taken its place.",
}


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


class EventType(models.TextChoices):
    """What a webhook announces (docs/webhooks.md)."""

    STANCE = "stance.changed", "a party's stance changed"
    STATUS = "status.changed", "a proposal's status changed"
    STATEMENT = "statement.approved", "a statement was approved"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "pending"
    DELIVERED = "delivered", "delivered"
    FAILED = "failed", "failed"  # attempts used up, or the target refused
    CANCELLED = "cancelled", "cancelled"  # the subscription was paused or deleted before it went out


def choice_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A check constraint that keeps `field` inside its vocabulary at the database level."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)
