"""Items on the table (Proposal), their status history, each party's stance over time, and how
proposals bear on each other (ProposalRelation: a counter-proposal, a threat backing a demand…).

StatusChange and Stance carry valid time (`effective`: the day it became true) and
transaction time (`recorded_at`); "as of D" reads the latest row with effective <= D.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from positions.vocabularies import (
    DatePrecision,
    ProposalKind,
    ProposalStatus,
    RelationType,
    ReviewState,
    StanceValue,
    choice_check,
)


class Proposal(models.Model):
    negotiation = models.ForeignKey("positions.Negotiation", on_delete=models.CASCADE, related_name="proposals")
    issue = models.ForeignKey("positions.Issue", on_delete=models.PROTECT, related_name="proposals")
    slug = models.SlugField(max_length=120)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    proponent = models.ForeignKey("positions.Party", on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(max_length=20, choices=ProposalKind.choices, default=ProposalKind.PROPOSAL)
    first_stated = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["negotiation", "first_stated", "title"]
        permissions = [("merge_proposal", "Can merge a proposal into another")]
        constraints = [
            models.UniqueConstraint(fields=["negotiation", "slug"], name="proposal_slug_unique_per_negotiation"),
            models.UniqueConstraint(fields=["negotiation", "title"], name="proposal_title_unique_per_negotiation"),
            choice_check("kind", ProposalKind, "proposal_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class Recorded(models.Model):
    """What a status change and a stance share: when it became true, evidence, provenance, review."""

    effective = models.DateField(help_text="The day this became true (valid time).")
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_via = models.CharField(
        max_length=100, blank=True, help_text="The machine process that recorded it (seed, extractor version)."
    )
    review_state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING)
    confidence = models.FloatField(
        null=True, blank=True, help_text="How sure the extractor was of a suggestion; empty when a person recorded it."
    )
    machine = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="What the extractor suggested, as written when it suggested it; empty when a person recorded it.",
    )

    class Meta:
        abstract = True


class StatusChange(Recorded):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=ProposalStatus.choices)
    evidence = models.ManyToManyField("positions.Statement", blank=True, related_name="status_changes")
    history = HistoricalRecords(m2m_fields=["evidence"])

    class Meta:
        ordering = ["proposal", "effective", "recorded_at"]
        indexes = [models.Index(fields=["proposal", "-effective"], name="status_asof_idx")]
        constraints = [
            choice_check("status", ProposalStatus, "status_change_status_valid"),
            choice_check("review_state", ReviewState, "status_change_review_state_valid"),
            models.UniqueConstraint(
                fields=["proposal", "effective", "status"],
                condition=~Q(review_state=ReviewState.REJECTED),
                name="status_change_unique_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_status_display()} from {self.effective.isoformat()}"


class Stance(Recorded):
    party = models.ForeignKey("positions.Party", on_delete=models.PROTECT, related_name="stances")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="stances")
    stance = models.CharField(max_length=20, choices=StanceValue.choices)
    evidence = models.ManyToManyField("positions.Statement", blank=True, related_name="stances")
    history = HistoricalRecords(m2m_fields=["evidence"])

    class Meta:
        ordering = ["proposal", "party", "effective", "recorded_at"]
        indexes = [models.Index(fields=["proposal", "party", "-effective"], name="stance_asof_idx")]
        constraints = [
            choice_check("stance", StanceValue, "stance_value_valid"),
            choice_check("review_state", ReviewState, "stance_review_state_valid"),
            models.UniqueConstraint(
                fields=["party", "proposal", "effective", "stance"],
                condition=~Q(review_state=ReviewState.REJECTED),
                name="stance_unique_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} {self.get_stance_display()} {self.proposal} from {self.effective.isoformat()}"


class ProposalRelation(Recorded):
    """`from_proposal` bears on `to_proposal` in the way `relation` says, from `effective` on.

    One live row per (from, to, relation): restating a relation adds evidence, not a row; a rejected row
    stays, so that the extractor does not suggest it again.
    """

    from_proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="relations_from")
    to_proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="relations_to")
    relation = models.CharField(max_length=20, choices=RelationType.choices)
    effective_precision = models.CharField(
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How exactly `effective` is known (that of the evidence it was read from).",
    )
    evidence = models.ManyToManyField("positions.Statement", blank=True, related_name="proposal_relations")
    history = HistoricalRecords(m2m_fields=["evidence"])

    class Meta:
        ordering = ["from_proposal", "effective", "recorded_at"]
        indexes = [models.Index(fields=["to_proposal"], name="relation_to_idx")]
        constraints = [
            choice_check("relation", RelationType, "relation_type_valid"),
            choice_check("review_state", ReviewState, "relation_review_state_valid"),
            choice_check("effective_precision", DatePrecision, "relation_precision_valid"),
            models.CheckConstraint(condition=~Q(from_proposal=models.F("to_proposal")), name="relation_not_to_itself"),
            models.UniqueConstraint(
                fields=["from_proposal", "to_proposal", "relation"],
                condition=~Q(review_state=ReviewState.REJECTED),
                name="relation_unique_live",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.from_proposal} {self.get_relation_display()} {self.to_proposal} from {self.effective.isoformat()}"
        )
