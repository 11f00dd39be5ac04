"""One attributed utterance: a span of a document's text, who said it for whom, when, and what kind."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from simple_history.models import HistoricalRecords

from positions.vocabularies import DatePrecision, ReviewState, StatementKind, StatementMode, choice_check


class Statement(models.Model):
    document = models.ForeignKey("positions.Document", on_delete=models.CASCADE, related_name="statements")
    quote = models.TextField(help_text="Exactly document.text[start:end].")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    mode = models.CharField(max_length=10, choices=StatementMode.choices)
    cue = models.CharField(max_length=60, blank=True, help_text="The reporting verb, when there is one.")
    speaker = models.ForeignKey(
        "positions.Actor", on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    party = models.ForeignKey(
        "positions.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    addressee = models.ForeignKey(
        "positions.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="addressed_statements"
    )
    said_on = models.DateField()
    said_precision = models.CharField(
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How exactly said_on is known: a month or a year is stored as its first day.",
    )
    kind = models.CharField(max_length=20, choices=StatementKind.choices)
    topics = models.ManyToManyField("positions.Issue", blank=True, related_name="statements")
    proposal = models.ForeignKey(
        "positions.Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    confidence = models.FloatField(default=1.0)
    extractor_version = models.CharField(max_length=40, blank=True, help_text="Empty when a person entered it.")
    review_state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING)
    proposes_new = models.BooleanField(
        default=False,
        help_text="The extractor found a proposal, demand or threat here that matches no proposal we know: "
        "a new proposal, for a curator to record.",
    )
    corrected = models.BooleanField(
        default=False, help_text="A curator changed it: extracting again keeps it as it is."
    )
    machine = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="What the extractor said, as written at extraction; the row's own fields are the curator's.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Full-text search reads this stored, GIN-indexed column: no to_tsvector per row, not even to recheck
    # a phrase. PostgreSQL keeps it; the audit history leaves it out (it follows the quote).
    quote_search = models.GeneratedField(
        expression=SearchVector("quote", config="english"), output_field=SearchVectorField(), db_persist=True
    )
    history = HistoricalRecords(m2m_fields=["topics"], excluded_fields=["quote_search"])

    class Meta:
        ordering = ["document", "start"]
        indexes = [
            GinIndex(fields=["quote_search"], name="statement_quote_search_idx"),
            models.Index(fields=["said_on"], name="statement_said_on_idx"),
            models.Index(fields=["party", "said_on"], name="statement_party_said_on_idx"),
            # The public list's order and its count: an index-only scan, not a scan of every quote (0011).
            models.Index(
                fields=["said_on", "id"],
                condition=~Q(review_state=ReviewState.REJECTED),
                name="statement_public_said_on_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="statement_start_before_end"),
            models.CheckConstraint(condition=Q(end=F("start") + Length("quote")), name="statement_quote_fits_span"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0.0) & Q(confidence__lte=1.0), name="statement_confidence_0_1"
            ),
            choice_check("mode", StatementMode, "statement_mode_valid"),
            choice_check("kind", StatementKind, "statement_kind_valid"),
            choice_check("review_state", ReviewState, "statement_review_state_valid"),
            choice_check("said_precision", DatePrecision, "statement_said_precision_valid"),
            # A span may carry several statements (a joint readout, a report nested in a turn),
            # but one speaker (or, with no speaker, one party) says one span once.
            models.UniqueConstraint(
                fields=["document", "start", "end", "speaker", "party"],
                nulls_distinct=False,
                name="statement_span_unique_per_speaker",
            ),
        ]

    def __str__(self) -> str:
        who = self.speaker or self.party or "unattributed"
        return f"{who}: “{self.quote[:60]}”"

    def values(self) -> dict:
        """The curated values in the shape of `machine` (names, not ids: they outlive merges)."""
        return {
            "mode": self.mode,
            "cue": self.cue,
            "speaker": self.speaker.name if self.speaker_id else None,
            "party": self.party.name if self.party_id else None,
            "addressee": self.addressee.name if self.addressee_id else None,
            "said_on": self.said_on.isoformat(),
            "said_precision": self.said_precision,
            "kind": self.kind,
            "topics": sorted(t.key for t in self.topics.all()),
            "proposal": self.proposal.slug if self.proposal_id else None,
        }

    def machine_changes(self) -> list[tuple[str, object, object]]:
        """(field, what the extractor said, what the row says now) for each field a curator changed."""
        if not self.machine:
            return []
        now = self.values()
        # A value the extractor of the day did not record (said_precision before 0012) is no change.
        machine = self.machine
        return [(name, machine[name], value) for name, value in now.items() if machine.get(name, value) != value]
