"""Merging duplicates: an actor into another (aliases, roles, statements), a proposal into another
(statements, stances, status history, relations), in one transaction, leaving no reference to the merged row.

Rows that would collide after the move (the same span said by one speaker twice, the same stance of
a party on the same day twice) are folded into the kept row: its evidence gains theirs. Every
relation to the merged model is re-pointed, including ones added later, and checked to be empty
before the merged row goes.
"""

from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q

from positions.models import Actor, Proposal, ProposalRelation, Role, Stance, Statement, StatusChange
from positions.services.audit import audited
from positions.vocabularies import ReviewState


class MergeError(ValueError):
    """The two rows cannot be merged (the same row, different negotiations)."""


@dataclass
class MergeReport:
    moved: dict[str, int] = field(default_factory=dict)  # "statements": 4, "roles": 1, …
    folded: dict[str, int] = field(default_factory=dict)  # duplicates folded into the kept row's

    def line(self) -> str:
        moved = ", ".join(f"{n} {name}" for name, n in self.moved.items() if n) or "nothing"
        folded = ", ".join(f"{n} {name}" for name, n in self.folded.items() if n)
        return f"moved {moved}" + (f"; folded duplicate {folded}" if folded else "")


# Approved beats pending beats rejected when two duplicates fold into one.
_RANK = {ReviewState.APPROVED: 2, ReviewState.PENDING: 1, ReviewState.REJECTED: 0}


def _references_left(row: models.Model) -> list[str]:
    """The relations (FK, one-to-one, many-to-many) that still point at `row`."""
    left = []
    for relation in row._meta.related_objects:
        if relation.many_to_many:
            count = getattr(row, relation.get_accessor_name()).count()
        else:
            count = relation.related_model._default_manager.filter(**{relation.field.name: row}).count()
        if count:
            label = f"{relation.related_model._meta.label}.{relation.field.name}"
            left.append(f"{label} ({count})")
    return left


def _repoint_rest(*, keep: models.Model, merged: models.Model, report: MergeReport, user, reason: str) -> None:
    """Every foreign key to the merged row not handled by name before: point it at the kept row."""
    for relation in merged._meta.related_objects:
        if relation.many_to_many or relation.one_to_one:
            continue
        rows = relation.related_model._default_manager.filter(**{relation.field.name: merged})
        for row in rows:
            setattr(row, relation.field.name, keep)
            audited(row, user=user, reason=reason).save(update_fields=[relation.field.name])
            report.moved[relation.related_model._meta.verbose_name_plural] = (
                report.moved.get(relation.related_model._meta.verbose_name_plural, 0) + 1
            )


def _delete_merged(merged: models.Model, *, user, reason: str) -> None:
    left = _references_left(merged)
    if left:
        # A relation this module does not know how to move: refuse rather than lose it.
        raise MergeError(f"{merged} is still referenced by {', '.join(left)}")
    audited(merged, user=user, reason=reason).delete()


def _fold_evidence(*, into, duplicate, user, reason: str) -> None:
    """`duplicate` goes; `into` keeps its evidence and the better review state of the two."""
    evidence = list(duplicate.evidence.all())
    _better_state_kept(into=into, duplicate=duplicate, user=user, reason=reason)
    if evidence:
        audited(into, user=user, reason=reason)
        into.evidence.add(*evidence)
    audited(duplicate, user=user, reason=reason).delete()


@transaction.atomic
def actors_merge(*, keep: Actor, merged: Actor, user) -> MergeReport:
    """`merged` becomes an alias of `keep`: its names, roles and statements move to `keep`, then it goes."""
    if keep.pk == merged.pk:
        raise MergeError("an actor cannot be merged into itself")
    keep, merged = (Actor.objects.select_for_update().get(pk=row.pk) for row in (keep, merged))
    reason = f"merged actor {merged.name} (#{merged.pk}) into {keep.name} (#{keep.pk})"
    report = MergeReport(moved={"aliases": 0, "roles": 0, "statements": 0}, folded={"roles": 0, "statements": 0})

    names = [merged.name, *merged.aliases]
    added = [n for n in dict.fromkeys(names) if n and n != keep.name and n not in keep.aliases]
    keep.aliases = [*keep.aliases, *added]
    if _RANK[merged.review_state] > _RANK[keep.review_state]:
        keep.review_state = merged.review_state  # a curator approved the other name: the person is known
    audited(keep, user=user, reason=reason).save(update_fields=["aliases", "review_state"])
    report.moved["aliases"] = len(added)

    for role in Role.objects.filter(actor=merged).order_by("start"):
        same_post = Role.objects.filter(actor=keep, party_id=role.party_id, title=role.title)
        overlapping = [r for r in same_post if _overlaps(r, role)]
        if overlapping:
            # The same post held over overlapping dates: one role spanning both.
            into = overlapping[0]
            into.start = min(into.start, role.start)
            into.end = None if into.end is None or role.end is None else max(into.end, role.end)
            audited(role, user=user, reason=reason).delete()
            audited(into, user=user, reason=reason).save(update_fields=["start", "end"])
            report.folded["roles"] += 1
        else:
            role.actor = keep
            audited(role, user=user, reason=reason).save(update_fields=["actor"])
            report.moved["roles"] += 1

    for statement in Statement.objects.filter(speaker=merged):
        twin = Statement.objects.filter(
            document_id=statement.document_id,
            start=statement.start,
            end=statement.end,
            speaker=keep,
            party_id=statement.party_id,
        ).first()
        if twin is None:
            statement.speaker = keep
            audited(statement, user=user, reason=reason).save(update_fields=["speaker"])
            report.moved["statements"] += 1
            continue
        # One person said this span once: keep one statement, with the other's evidence links.
        _statement_fold(into=twin, duplicate=statement, user=user, reason=reason)
        report.folded["statements"] += 1

    _repoint_rest(keep=keep, merged=merged, report=report, user=user, reason=reason)
    _delete_merged(merged, user=user, reason=reason)
    return report


def _overlaps(a: Role, b: Role) -> bool:
    return (a.end is None or b.start <= a.end) and (b.end is None or a.start <= b.end)


def _statement_fold(*, into: Statement, duplicate: Statement, user, reason: str) -> None:
    for stance in duplicate.stances.all():
        stance.evidence.add(into)
    for status in duplicate.status_changes.all():
        status.evidence.add(into)
    for relation in duplicate.proposal_relations.all():
        relation.evidence.add(into)
    _better_state_kept(into=into, duplicate=duplicate, user=user, reason=reason)
    audited(duplicate, user=user, reason=reason).delete()


def _better_state_kept(*, into, duplicate, user, reason: str) -> None:
    """The kept row of two duplicates takes the other's review state when it ranks higher."""
    if _RANK[duplicate.review_state] > _RANK[into.review_state]:
        into.review_state = duplicate.review_state
        audited(into, user=user, reason=reason).save(update_fields=["review_state"])


@transaction.atomic
def proposals_merge(*, keep: Proposal, merged: Proposal, user) -> MergeReport:
    """`merged` was the same item on the table: its statements, stances and status history move to `keep`."""
    if keep.pk == merged.pk:
        raise MergeError("a proposal cannot be merged into itself")
    keep, merged = (Proposal.objects.select_for_update().get(pk=row.pk) for row in (keep, merged))
    if keep.negotiation_id != merged.negotiation_id:
        raise MergeError("proposals of different negotiations cannot be merged")
    reason = f"merged proposal {merged.title} (#{merged.pk}) into {keep.title} (#{keep.pk})"
    report = MergeReport(
        moved={"statements": 0, "stances": 0, "status changes": 0}, folded={"stances": 0, "status changes": 0}
    )

    if merged.first_stated < keep.first_stated:
        keep.first_stated = merged.first_stated
        audited(keep, user=user, reason=reason).save(update_fields=["first_stated"])

    for statement in Statement.objects.filter(proposal=merged):
        statement.proposal = keep
        audited(statement, user=user, reason=reason).save(update_fields=["proposal"])
        report.moved["statements"] += 1

    for stance in Stance.objects.filter(proposal=merged).prefetch_related("evidence"):
        twin = _live_twin(Stance, stance, proposal=keep, party_id=stance.party_id, stance=stance.stance)
        if twin is None:
            stance.proposal = keep
            audited(stance, user=user, reason=reason).save(update_fields=["proposal"])
            report.moved["stances"] += 1
        else:
            _fold_evidence(into=twin, duplicate=stance, user=user, reason=reason)
            report.folded["stances"] += 1

    for change in StatusChange.objects.filter(proposal=merged).prefetch_related("evidence"):
        twin = _live_twin(StatusChange, change, proposal=keep, status=change.status)
        if twin is None:
            change.proposal = keep
            audited(change, user=user, reason=reason).save(update_fields=["proposal"])
            report.moved["status changes"] += 1
        else:
            _fold_evidence(into=twin, duplicate=change, user=user, reason=reason)
            report.folded["status changes"] += 1

    _relations_move(keep=keep, merged=merged, report=report, user=user, reason=reason)
    # the steps of a scale it places a party on (issue 19's scales) place them by the kept proposal now
    for step in merged.scale_steps.all():
        step.proposals.remove(merged)
        step.proposals.add(keep)
        report.moved["scale steps"] = report.moved.get("scale steps", 0) + 1
    _repoint_rest(keep=keep, merged=merged, report=report, user=user, reason=reason)
    _delete_merged(merged, user=user, reason=reason)
    return report


def _relations_move(*, keep: Proposal, merged: Proposal, report: MergeReport, user, reason: str) -> None:
    """The merged proposal's relations become the kept one's; one between the two of them, now a proposal
    and itself, goes; one the kept proposal already has (same other end and type) takes its evidence.
    Counted in the report only when there are any."""
    for relation in ProposalRelation.objects.filter(Q(from_proposal=merged) | Q(to_proposal=merged)):
        ends = [keep.pk if pk == merged.pk else pk for pk in (relation.from_proposal_id, relation.to_proposal_id)]
        if ends[0] == ends[1]:
            audited(relation, user=user, reason=reason).delete()
            report.folded["relations"] = report.folded.get("relations", 0) + 1
            continue
        twin = None
        if relation.review_state != ReviewState.REJECTED:
            twin = (
                ProposalRelation.objects.filter(
                    from_proposal_id=ends[0], to_proposal_id=ends[1], relation=relation.relation
                )
                .exclude(review_state=ReviewState.REJECTED)
                .first()
            )
        if twin is None:
            relation.from_proposal_id, relation.to_proposal_id = ends
            audited(relation, user=user, reason=reason).save(update_fields=["from_proposal", "to_proposal"])
            report.moved["relations"] = report.moved.get("relations", 0) + 1
        else:
            _fold_evidence(into=twin, duplicate=relation, user=user, reason=reason)
            report.folded["relations"] = report.folded.get("relations", 0) + 1


def _live_twin(model, row, **same):
    """The kept proposal's row the moved one would collide with (the unique constraints skip rejected rows)."""
    if row.review_state == ReviewState.REJECTED:
        return None
    return model.objects.filter(effective=row.effective, **same).exclude(review_state=ReviewState.REJECTED).first()
