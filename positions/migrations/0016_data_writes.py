"""Counts every write to the tables the public reads read (positions.models.DataWrite): a statement-level
trigger on each, for inserts, updates, deletes and truncates, whoever writes. Not on the ingest's own
bookkeeping (sources, runs, items, bands), the audit history or the heartbeat, which the cached
answers do not read; tests/test_answers.py checks every other positions table has it."""

import django.db.models.functions.datetime
from django.db import migrations, models

READ_TABLES = (
    "positions_negotiation",
    "positions_negotiation_parties",
    "positions_party",
    "positions_issue",
    "positions_actor",
    "positions_role",
    "positions_proposal",
    "positions_statuschange",
    "positions_statuschange_evidence",
    "positions_stance",
    "positions_stance_evidence",
    "positions_statement",
    "positions_statement_topics",
    "positions_document",
)


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0015_cache_table"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataWrite",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("table", models.CharField(max_length=63)),
                ("weight", models.BigIntegerField(default=1)),
                ("written_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
        ),
        migrations.RunSQL(
            [
                """
                CREATE FUNCTION positions_note_data_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO positions_datawrite ("table", weight) VALUES (TG_TABLE_NAME, 1);
                    RETURN NULL;
                END $$;
                """,
                *(
                    f"CREATE TRIGGER positions_data_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION positions_note_data_write();"
                    for table in READ_TABLES
                ),
            ],
            reverse_sql=[
                *(f"DROP TRIGGER IF EXISTS positions_data_write ON {table};" for table in READ_TABLES),
                "DROP FUNCTION IF EXISTS positions_note_data_write();",
            ],
        ),
    ]
