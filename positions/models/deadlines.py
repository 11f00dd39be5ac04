"""Target dates: a proposal, or a party's commitment to it, due by a day ("by 2020", "within six months").

A deadline is recorded like a stance (`Recorded`: the day it was set as `effective`, evidence,
provenance, review state). Whether it is met, missed or still ahead is not stored: it is read as of a
date from the proposal's status (positions.selectors.deadlines_as_of).
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from positions.models.proposals import Proposal, Recorded
from positions.vocabularies import DatePrecision, ReviewState, choice_check


class Deadline(Recorded):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="deadlines")
    party = models.ForeignKey(
        "positions.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        help_text="The party that committed to the date; empty when it is the proposal's own timetable.",
    )
    due = models.DateField(help_text="The last day by which it is due; a month or a year is stored as its last day.")
    due_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    phrase = models.CharField(max_length=200, help_text="The target date as said: “by 2020”, “within six months”.")
    evidence = models.ManyToManyField("positions.Statement", blank=True, related_name="deadlines")
    history = HistoricalRecords(m2m_fields=["evidence"])

    class Meta:
        ordering = ["due", "proposal", "recorded_at"]
        indexes = [models.Index(fields=["proposal", "due"], name="deadline_proposal_due_idx")]
        constraints = [
            choice_check("review_state", ReviewState, "deadline_review_state_valid"),
            choice_check("due_precision", DatePrecision, "deadline_due_precision_valid"),
            models.UniqueConstraint(
                fields=["proposal", "party", "due", "phrase"],
                condition=~Q(review_state=ReviewState.REJECTED),
                nulls_distinct=False,
                name="deadline_unique_per_phrase",
            ),
        ]

    def __str__(self) -> str:
        who = f"{self.party}: " if self.party_id else ""
        return f"{who}{self.proposal} {self.phrase} ({self.due.isoformat()})"
