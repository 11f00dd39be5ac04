"""The read model of runs: the stance and status in force on any day, one range lookup away.

A row is one stretch of a run as one visibility sees it (`public`: approved rows only; else every row
but the rejected): from a day the value was stated, by its row in force that day (`row`), up to the next
day a row of the same (proposal, party) is in force. The stretches of a run share `since` (the run's
start) and `first_row` (its first statement); `row` is its latest statement by the stretch's start, so
the lookup on any day gives `since` and `last stated` as of that day. A stance stretch also carries its row's
review state and what the comparison matrix shows of its run's evidence up to it (migration 0025): how many
statements, the latest said, the one shown first, and what a cell shows of it (migration 0027). Only the database
writes these tables: triggers of migrations 0022 and 0025 recompute a proposal's runs in the transaction that
changes its stances, status changes, their evidence or the evidence statements' review state, date or party,
whoever writes them, and those of 0027 what a cell shows of its statement; `manage.py rebuild_runs` recomputes
every run from the history.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models

from positions.vocabularies import ProposalStatus, ReviewState, StanceValue


class Run(models.Model):
    """What a stance run and a status run share."""

    # DO_NOTHING: the triggers drop a row's runs in the statement that deletes the row, and the foreign keys,
    # checked at commit, hold them to it. The GiST indexes below lead with these two: no btree of their own.
    negotiation = models.ForeignKey(
        "positions.Negotiation", on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    proposal = models.ForeignKey("positions.Proposal", on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    public = models.BooleanField(help_text="Read from approved rows only; else from every row but the rejected.")
    since = models.DateField(help_text="The day the run began.")
    validity = DateRangeField(help_text="[the day `row` took effect, the next day another row is in force)")

    class Meta:
        abstract = True


SPEAKER_HELP = "Its speaker's name; none when there is none or a curator rejected it."

# The as-of index leaves `public` to a filter: PostgreSQL reads `public = false` as `NOT public`, which a GiST
# index cannot match.


class StanceRun(Run):
    party = models.ForeignKey("positions.Party", on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    stance = models.CharField(max_length=20, choices=StanceValue.choices)
    row = models.ForeignKey("positions.Stance", on_delete=models.DO_NOTHING, related_name="in_force")
    first_row = models.ForeignKey("positions.Stance", on_delete=models.DO_NOTHING, related_name="+")
    review_state = models.CharField(max_length=20, choices=ReviewState.choices, help_text="The review state of `row`.")
    # The run's evidence from its start up to this stretch (the rows of its stretches that start by then), rejected
    # statements left out: what a cell of the comparison matrix shows on any day of the stretch.
    statements = models.IntegerField(help_text="How many evidence statements ground the run up to this stretch.")
    last_stated = models.DateField(
        help_text="The latest said_on of that evidence, or the day `row` took effect when there is none."
    )
    shown_statement = models.ForeignKey(
        "positions.Statement",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        # Read, never joined from the statement's side; a statement loses its links (and so this) before it goes.
        db_constraint=False,
        db_index=False,
        help_text="The statement shown first: the latest by the party's own speakers, else the latest by others.",
    )
    # What a cell shows of that statement (migration 0027), kept here so that the matrix reads no statement, speaker
    # or document: three lookups per cell were two thirds of PostgreSQL's time for the matrix at 1,000,000
    # statements. The same triggers write them with the stretch, and more keep them when the statement's quote,
    # speaker or document, the speaker's name or review state, or the document's URL changes.
    # null, not "": a cell with no statement shows none (and a statement with no speaker shows null as its speaker)
    shown_quote = models.TextField(null=True, help_text="The shown statement's quote.")  # noqa: DJ001
    shown_said_on = models.DateField(null=True, help_text="The shown statement's said_on.")
    shown_speaker_name = models.CharField(max_length=200, null=True, help_text=SPEAKER_HELP)  # noqa: DJ001
    shown_url = models.URLField(max_length=2000, null=True, help_text="Its document's URL.")  # noqa: DJ001
    shown_document = models.ForeignKey(
        "positions.Document",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        help_text="Its document.",
    )

    class Meta:
        indexes = [
            GistIndex(fields=["negotiation", "validity"], name="stance_run_asof_idx"),
            # the stretches that show a statement, for the triggers that keep what they show of it
            models.Index(fields=["shown_statement"], name="stance_run_shown_idx"),
        ]
        constraints = [
            ExclusionConstraint(
                name="stance_run_one_in_force",
                expressions=[
                    ("proposal", RangeOperators.EQUAL),
                    ("party", RangeOperators.EQUAL),
                    ("public", RangeOperators.EQUAL),
                    ("validity", RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {self.stance} {self.proposal_id} since {self.since.isoformat()} in {self.validity}"


class StatusRun(Run):
    status = models.CharField(max_length=20, choices=ProposalStatus.choices)
    row = models.ForeignKey("positions.StatusChange", on_delete=models.DO_NOTHING, related_name="in_force")
    first_row = models.ForeignKey("positions.StatusChange", on_delete=models.DO_NOTHING, related_name="+")

    class Meta:
        indexes = [GistIndex(fields=["negotiation", "validity"], name="status_run_asof_idx")]
        constraints = [
            ExclusionConstraint(
                name="status_run_one_in_force",
                expressions=[
                    ("proposal", RangeOperators.EQUAL),
                    ("public", RangeOperators.EQUAL),
                    ("validity", RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.status} since {self.since.isoformat()} in {self.validity}"
