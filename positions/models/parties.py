"""Who negotiates (Party), who speaks (Actor) and for whom, when (Role)."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from simple_history.models import HistoricalRecords

from positions.vocabularies import ActorKind, PartyKind, ReviewState, choice_check


class Party(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=PartyKind.choices)
    aliases = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    metonyms = ArrayField(
        models.CharField(max_length=120),
        default=list,
        blank=True,
        help_text="Places or institutions that stand for the party in the news (Moscow, the Kremlin).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        constraints = [choice_check("kind", PartyKind, "party_kind_valid")]

    def __str__(self) -> str:
        return self.name


class Actor(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ActorKind.choices, default=ActorKind.PERSON)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # Speakers found by the extractor arrive pending; the seed's are approved.
    review_state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.APPROVED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [("merge_actor", "Can merge an actor into another")]
        constraints = [
            choice_check("kind", ActorKind, "actor_kind_valid"),
            choice_check("review_state", ReviewState, "actor_review_state_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class Role(models.Model):
    """An actor's post in a party from `start` to `end`, both days included; no end: still held.

    A role has no review state: its actor's covers it. The extractor suggests roles for the pending actors
    it makes (services/statements.py); approving the actor makes them real, rejecting it leaves them unused,
    since only approved actors' roles reach the statement stages (`selectors.lexicon_load`)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="roles")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="roles")
    title = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    speaks_for_party = models.BooleanField(
        default=True,
        help_text="Speaks for the party in the negotiation (head of state, minister, spokesperson); "
        "off for domestic voices such as legislators or former officials.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["actor", "start"]
        indexes = [models.Index(fields=["actor", "start"], name="role_actor_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="role_ends_after_start"
            ),
            ExclusionConstraint(
                name="role_same_post_no_overlap",
                expressions=[
                    (F("actor"), RangeOperators.EQUAL),
                    (F("party"), RangeOperators.EQUAL),
                    (F("title"), RangeOperators.EQUAL),
                    (DateRange("start", "end", models.Value("[]")), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        until = self.end.isoformat() if self.end else ""
        return f"{self.actor}: {self.title}, {self.party} ({self.start.isoformat()}–{until})"
