"""A position scale: an issue's ordered outcomes (Scale, ScaleStep), and a curator's placement of a party on it.

Each step is a position from 0 to 100 and names the proposals whose support puts a party there; a
party's position over time is read from its stances (positions.selectors.issue_scale). A curator's
placement (ScalePosition), with its evidence, wins over the stances from its date on.
"""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from positions.models.proposals import Recorded
from positions.vocabularies import ReviewState, choice_check


class Scale(models.Model):
    issue = models.OneToOneField("positions.Issue", on_delete=models.CASCADE, related_name="scale")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What the scale measures, from one end to the other.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["issue"]

    def __str__(self) -> str:
        return self.title


class ScaleStep(models.Model):
    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)], help_text="From 0 to 100.")
    proposals = models.ManyToManyField(
        "positions.Proposal",
        blank=True,
        related_name="scale_steps",
        help_text="A party that supports one of these proposals stands at this step.",
    )
    history = HistoricalRecords(m2m_fields=["proposals"])

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "key"], name="scale_step_key_unique"),
            # Deferred: steps may swap positions inside one transaction.
            models.UniqueConstraint(
                fields=["scale", "position"], name="scale_step_position_unique", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(condition=Q(position__lte=100), name="scale_step_position_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.position})"


class ScalePosition(Recorded):
    """A party placed on a step from `effective` on, by a curator, with evidence."""

    step = models.ForeignKey(ScaleStep, on_delete=models.CASCADE, related_name="placements")
    party = models.ForeignKey("positions.Party", on_delete=models.PROTECT, related_name="scale_positions")
    evidence = models.ManyToManyField("positions.Statement", blank=True, related_name="scale_positions")
    history = HistoricalRecords(m2m_fields=["evidence"])

    class Meta:
        ordering = ["step__scale", "party", "effective", "recorded_at"]
        constraints = [
            choice_check("review_state", ReviewState, "scale_position_review_state_valid"),
            models.UniqueConstraint(
                fields=["step", "party", "effective"],
                condition=~Q(review_state=ReviewState.REJECTED),
                name="scale_position_unique_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} at {self.step} from {self.effective.isoformat()}"
