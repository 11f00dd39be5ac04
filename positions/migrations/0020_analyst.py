"""Deadlines and position scales (issue 19): target dates on proposals; an issue's scale of outcomes, its
steps and the placements of parties on them; all with audit history. The tables count their writes for
the cached answers (the triggers of migration 0016)."""

import django.core.validators
import django.db.models.constraints
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

# The public reads read these tables: their writes move the data version (migration 0016).
READ_TABLES = (
    "positions_deadline",
    "positions_deadline_evidence",
    "positions_scale",
    "positions_scalestep",
    "positions_scalestep_proposals",
    "positions_scaleposition",
    "positions_scaleposition_evidence",
)


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0019_relations"),
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
        migrations.CreateModel(
            name="HistoricalScale",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
                (
                    "description",
                    models.TextField(blank=True, help_text="What the scale measures, from one end to the other."),
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
                    "issue",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.issue",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical scale",
                "verbose_name_plural": "historical scales",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalScalePosition",
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
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.party",
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
                "verbose_name": "historical scale position",
                "verbose_name_plural": "historical scale positions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Scale",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
                (
                    "description",
                    models.TextField(blank=True, help_text="What the scale measures, from one end to the other."),
                ),
                (
                    "issue",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="scale", to="positions.issue"
                    ),
                ),
            ],
            options={
                "ordering": ["issue"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalScaleStep",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("key", models.SlugField(max_length=60)),
                ("label", models.CharField(max_length=200)),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        help_text="From 0 to 100.", validators=[django.core.validators.MaxValueValidator(100)]
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
                    "scale",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.scale",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical scale step",
                "verbose_name_plural": "historical scale steps",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ScalePosition",
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
                    "evidence",
                    models.ManyToManyField(blank=True, related_name="scale_positions", to="positions.statement"),
                ),
                (
                    "party",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="scale_positions",
                        to="positions.party",
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
                "ordering": ["step__scale", "party", "effective", "recorded_at"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalScalePosition_evidence",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="positions.historicalscaleposition",
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
                (
                    "scaleposition",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.scaleposition",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalScalePosition_evidence",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ScaleStep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.SlugField(max_length=60)),
                ("label", models.CharField(max_length=200)),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        help_text="From 0 to 100.", validators=[django.core.validators.MaxValueValidator(100)]
                    ),
                ),
                (
                    "proposals",
                    models.ManyToManyField(
                        blank=True,
                        help_text="A party that supports one of these proposals stands at this step.",
                        related_name="scale_steps",
                        to="positions.proposal",
                    ),
                ),
                (
                    "scale",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="steps", to="positions.scale"
                    ),
                ),
            ],
            options={
                "ordering": ["scale", "position"],
            },
        ),
        migrations.AddField(
            model_name="scaleposition",
            name="step",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="placements", to="positions.scalestep"
            ),
        ),
        migrations.CreateModel(
            name="HistoricalScaleStep_proposals",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="positions.historicalscalestep",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.proposal",
                    ),
                ),
                (
                    "scalestep",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.scalestep",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalScaleStep_proposals",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="historicalscaleposition",
            name="step",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="positions.scalestep",
            ),
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
        migrations.AddConstraint(
            model_name="scalestep",
            constraint=models.UniqueConstraint(fields=("scale", "key"), name="scale_step_key_unique"),
        ),
        migrations.AddConstraint(
            model_name="scalestep",
            constraint=models.UniqueConstraint(
                deferrable=django.db.models.constraints.Deferrable["DEFERRED"],
                fields=("scale", "position"),
                name="scale_step_position_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="scalestep",
            constraint=models.CheckConstraint(
                condition=models.Q(("position__lte", 100)), name="scale_step_position_0_100"
            ),
        ),
        migrations.AddConstraint(
            model_name="scaleposition",
            constraint=models.CheckConstraint(
                condition=models.Q(("review_state__in", ["pending", "approved", "rejected"])),
                name="scale_position_review_state_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="scaleposition",
            constraint=models.UniqueConstraint(
                condition=models.Q(("review_state", "rejected"), _negated=True),
                fields=("step", "party", "effective"),
                name="scale_position_unique_per_day",
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
