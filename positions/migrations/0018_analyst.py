"""Deadlines (issue 19): target dates on proposals, with evidence and audit history; the tables count their
writes for the cached answers (the triggers of migration 0016)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

# The public reads read these tables: their writes move the data version (migration 0016).
READ_TABLES = ("positions_deadline", "positions_deadline_evidence")


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0017_statement_quote_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Deadline",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("effective", models.DateField(help_text="The day this became true (valid time).")),
                ("note", models.TextField(blank=True)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "recorded_via",
                    models.CharField(
                        blank=True,
                        help_text="The machine process that recorded it (seed, extractor version).",
                        max_length=100,
                    ),
                ),
                (
                    "review_state",
                    models.CharField(
                        choices=[("pending", "pending review"), ("approved", "approved"), ("rejected", "rejected")],
                        default="pending",
                        max_length=10,
                    ),
                ),
                (
                    "confidence",
                    models.FloatField(
                        blank=True,
                        help_text="How sure the extractor was of a suggestion; empty when a person recorded it.",
                        null=True,
                    ),
                ),
                (
                    "machine",
                    models.JSONField(
                        blank=True,
                        editable=False,
                        help_text="What the extractor suggested, as written when it suggested it; empty when a person recorded it.",
                        null=True,
                    ),
                ),
                (
                    "due",
                    models.DateField(
                        help_text="The last day by which it is due; a month or a year is stored as its last day."
                    ),
                ),
                (
                    "due_precision",
                    models.CharField(
                        choices=[("day", "day"), ("month", "month"), ("year", "year"), ("approximate", "approximate")],
                        default="day",
                        max_length=12,
                    ),
                ),
                (
                    "phrase",
                    models.CharField(
                        help_text="The target date as said: “by 2020”, “within six months”.", max_length=200
                    ),
                ),
                ("evidence", models.ManyToManyField(blank=True, related_name="deadlines", to="positions.statement")),
                (
                    "party",
                    models.ForeignKey(
                        blank=True,
                        help_text="The party that committed to the date; empty when it is the proposal's own timetable.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deadlines",
                        to="positions.party",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="deadlines", to="positions.proposal"
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["due", "proposal", "recorded_at"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalDeadline",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("effective", models.DateField(help_text="The day this became true (valid time).")),
                ("note", models.TextField(blank=True)),
                ("recorded_at", models.DateTimeField(blank=True, editable=False)),
                (
                    "recorded_via",
                    models.CharField(
                        blank=True,
                        help_text="The machine process that recorded it (seed, extractor version).",
                        max_length=100,
                    ),
                ),
                (
                    "review_state",
                    models.CharField(
                        choices=[("pending", "pending review"), ("approved", "approved"), ("rejected", "rejected")],
                        default="pending",
                        max_length=10,
                    ),
                ),
                (
                    "confidence",
                    models.FloatField(
                        blank=True,
                        help_text="How sure the extractor was of a suggestion; empty when a person recorded it.",
                        null=True,
                    ),
                ),
                (
                    "machine",
                    models.JSONField(
                        blank=True,
                        editable=False,
                        help_text="What the extractor suggested, as written when it suggested it; empty when a person recorded it.",
                        null=True,
                    ),
                ),
                (
                    "due",
                    models.DateField(
                        help_text="The last day by which it is due; a month or a year is stored as its last day."
                    ),
                ),
                (
                    "due_precision",
                    models.CharField(
                        choices=[("day", "day"), ("month", "month"), ("year", "year"), ("approximate", "approximate")],
                        default="day",
                        max_length=12,
                    ),
                ),
                (
                    "phrase",
                    models.CharField(
                        help_text="The target date as said: “by 2020”, “within six months”.", max_length=200
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "party",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The party that committed to the date; empty when it is the proposal's own timetable.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.party",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.proposal",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical deadline",
                "verbose_name_plural": "historical deadlines",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDeadline_evidence",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "deadline",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.deadline",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="positions.historicaldeadline",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.statement",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalDeadline_evidence",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(fields=["proposal", "due"], name="deadline_proposal_due_idx"),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(("review_state__in", ["pending", "approved", "rejected"])),
                name="deadline_review_state_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(("due_precision__in", ["day", "month", "year", "approximate"])),
                name="deadline_due_precision_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.UniqueConstraint(
                condition=models.Q(("review_state", "rejected"), _negated=True),
                fields=("proposal", "party", "due", "phrase"),
                name="deadline_unique_per_phrase",
                nulls_distinct=False,
            ),
        ),
        migrations.RunSQL(
            [
                f"CREATE TRIGGER positions_data_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION positions_note_data_write();"
                for table in READ_TABLES
            ],
            reverse_sql=[f"DROP TRIGGER IF EXISTS positions_data_write ON {table};" for table in READ_TABLES],
        ),
    ]
