"""Reads: who spoke for whom on a date, and each proposal's status and stances as of a date.

"As of D" follows DESIGN.md: for each (party, proposal) the latest stance with effective <= D,
for each proposal the latest status with effective <= D. Rejected rows never count; pending
ones count unless `include_pending=False`. On the same day an approved row wins over a pending
one, then the one recorded last.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from positions.models import Actor, Negotiation, Party, Proposal, Role, Stance, StatusChange
from positions.vocabularies import ReviewState

_APPROVED_FIRST = Case(
    When(review_state=ReviewState.APPROVED, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def _visible(include_pending: bool) -> Q:
    if include_pending:
        return ~Q(review_state=ReviewState.REJECTED)
    return Q(review_state=ReviewState.APPROVED)


def role_on(*, actor: Actor, on: date) -> Role | None:
    """The role an actor held on a date; with overlapping roles, one that speaks for its party,
    then the one taken up last (a minister who is also a party official speaks as minister)."""
    return (
        Role.objects.filter(actor=actor, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("party")
        .order_by("-speaks_for_party", "-start", "-id")
        .first()
    )


def party_for_actor_on(*, actor: Actor, on: date) -> Party | None:
    role = role_on(actor=actor, on=on)
    return role.party if role else None


def proposals_as_of(*, negotiation: Negotiation, as_of: date) -> QuerySet[Proposal]:
    """Proposals already on the table on that date."""
    return (
        Proposal.objects.filter(negotiation=negotiation, first_stated__lte=as_of)
        .select_related("issue", "proponent")
        .order_by("issue__key", "first_stated", "title")
    )


def stances_as_of(
    *,
    as_of: date,
    negotiation: Negotiation | None = None,
    proposals: Iterable[Proposal] | None = None,
    parties: Iterable[Party] | None = None,
    include_pending: bool = True,
) -> QuerySet[Stance]:
    """One stance per (proposal, party): the one in force on `as_of`. One query."""
    stances = Stance.objects.filter(_visible(include_pending), effective__lte=as_of)
    if negotiation is not None:
        stances = stances.filter(proposal__negotiation=negotiation)
    if proposals is not None:
        stances = stances.filter(proposal__in=list(proposals))
    if parties is not None:
        stances = stances.filter(party__in=list(parties))
    return (
        stances.select_related("party", "proposal")
        .order_by("proposal_id", "party_id", "-effective", _APPROVED_FIRST, "-recorded_at", "-id")
        .distinct("proposal_id", "party_id")
    )


def stance_as_of(*, party: Party, proposal: Proposal, as_of: date, include_pending: bool = True) -> Stance | None:
    return stances_as_of(as_of=as_of, proposals=[proposal], parties=[party], include_pending=include_pending).first()


def statuses_as_of(
    *,
    as_of: date,
    negotiation: Negotiation | None = None,
    proposals: Iterable[Proposal] | None = None,
    include_pending: bool = True,
) -> QuerySet[StatusChange]:
    """One status change per proposal: the one in force on `as_of`. One query."""
    changes = StatusChange.objects.filter(_visible(include_pending), effective__lte=as_of)
    if negotiation is not None:
        changes = changes.filter(proposal__negotiation=negotiation)
    if proposals is not None:
        changes = changes.filter(proposal__in=list(proposals))
    return (
        changes.select_related("proposal")
        .order_by("proposal_id", "-effective", _APPROVED_FIRST, "-recorded_at", "-id")
        .distinct("proposal_id")
    )


def status_as_of(*, proposal: Proposal, as_of: date, include_pending: bool = True) -> StatusChange | None:
    return statuses_as_of(as_of=as_of, proposals=[proposal], include_pending=include_pending).first()
