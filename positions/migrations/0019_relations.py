"""Proposal relations (issue 19): typed, dated links between proposals with evidence and a review state, and
their audit history. The pages and the API read them: both tables get the data-write trigger of 0016. Curators
review and correct them as they do stances (view, add, change; never delete: a rejected row stays).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

READ_TABLES = ("positions_proposalrelation", "positions_proposalrelation_evidence")
CURATOR_CODENAMES = ["view_proposalrelation", "add_proposalrelation", "change_proposalrelation"]


def curator_relations_grant(apps, schema_editor=None):
    """The Curator group (0009) may review relations; also used by tests after a flush."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # a migration's app configs have no models module, which create_permissions skips; the project's
        # own (a test calls this with them) have one, and keep it
        before = getattr(app_config, "models_module", None)
        app_config.models_module = before or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = before
    group = apps.get_model("auth", "Group").objects.filter(name="Curator").first()
    if group is not None:
        permissions = apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="positions", codename__in=CURATOR_CODENAMES
        )
        group.permissions.add(*permissions)


def curator_relations_revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Curator").first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(codename__in=CURATOR_CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0018_webhooks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalProposalRelation",
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
                    "relation",
                    models.CharField(
                        choices=[
                            ("counter_to", "counter to"),
                            ("supersedes", "supersedes"),
                            ("conditional_on", "conditional on"),
                            ("backs", "backs"),
                            ("alternative_to", "alternative to"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "effective_precision",
                    models.CharField(
                        choices=[("day", "day"), ("month", "month"), ("year", "year"), ("approximate", "approximate")],
                        default="day",
                        help_text="How exactly `effective` is known (that of the evidence it was read from).",
                        max_length=12,
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
                    "from_proposal",
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                (
                    "to_proposal",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.proposal",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical proposal relation",
                "verbose_name_plural": "historical proposal relations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ProposalRelation",
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
                    "relation",
                    models.CharField(
                        choices=[
                            ("counter_to", "counter to"),
                            ("supersedes", "supersedes"),
                            ("conditional_on", "conditional on"),
                            ("backs", "backs"),
                            ("alternative_to", "alternative to"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "effective_precision",
                    models.CharField(
                        choices=[("day", "day"), ("month", "month"), ("year", "year"), ("approximate", "approximate")],
                        default="day",
                        help_text="How exactly `effective` is known (that of the evidence it was read from).",
                        max_length=12,
                    ),
                ),
                (
                    "evidence",
                    models.ManyToManyField(blank=True, related_name="proposal_relations", to="positions.statement"),
                ),
                (
                    "from_proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="relations_from",
                        to="positions.proposal",
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
                (
                    "to_proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="relations_to",
                        to="positions.proposal",
                    ),
                ),
            ],
            options={
                "ordering": ["from_proposal", "effective", "recorded_at"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalProposalRelation_evidence",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="positions.historicalproposalrelation",
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
                    "proposalrelation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.proposalrelation",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalProposalRelation_evidence",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name="proposalrelation",
            index=models.Index(fields=["to_proposal"], name="relation_to_idx"),
        ),
        migrations.AddConstraint(
            model_name="proposalrelation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("relation__in", ["counter_to", "supersedes", "conditional_on", "backs", "alternative_to"])
                ),
                name="relation_type_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="proposalrelation",
            constraint=models.CheckConstraint(
                condition=models.Q(("review_state__in", ["pending", "approved", "rejected"])),
                name="relation_review_state_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="proposalrelation",
            constraint=models.CheckConstraint(
                condition=models.Q(("effective_precision__in", ["day", "month", "year", "approximate"])),
                name="relation_precision_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="proposalrelation",
            constraint=models.CheckConstraint(
                condition=models.Q(("from_proposal", models.F("to_proposal")), _negated=True),
                name="relation_not_to_itself",
            ),
        ),
        migrations.AddConstraint(
            model_name="proposalrelation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("review_state", "rejected"), _negated=True),
                fields=("from_proposal", "to_proposal", "relation"),
                name="relation_unique_live",
            ),
        ),
        migrations.RunSQL(
            [
                *(
                    f"CREATE TRIGGER positions_data_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION positions_note_data_write();"
                    for table in READ_TABLES
                ),
            ],
            reverse_sql=[f"DROP TRIGGER IF EXISTS positions_data_write ON {table};" for table in READ_TABLES],
        ),
        migrations.RunPython(curator_relations_grant, curator_relations_revoke),
    ]
