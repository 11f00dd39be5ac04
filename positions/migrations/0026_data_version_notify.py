"""The data version announces that it moved: a statement-level trigger on positions_datawrite sends a NOTIFY
on the channel positions_data_version, delivered to listeners when the write commits (nothing when it rolls
back; one per transaction however many statements). Only a web process that opts in to
ANSWER_VERSION_LAG_MS listens (positions.selectors.data_version_lagged); for everyone else it is one small
entry in PostgreSQL's notification queue per writing transaction, freed when no session listens."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0025_stance_run_evidence"),
    ]

    operations = [
        migrations.RunSQL(
            [
                """
                CREATE FUNCTION positions_data_version_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('positions_data_version', '');
                    RETURN NULL;
                END $$;
                """,
                "CREATE TRIGGER positions_data_version_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                "ON positions_datawrite FOR EACH STATEMENT EXECUTE FUNCTION positions_data_version_notify();",
            ],
            reverse_sql=[
                "DROP TRIGGER IF EXISTS positions_data_version_notify ON positions_datawrite;",
                "DROP FUNCTION IF EXISTS positions_data_version_notify();",
            ],
        ),
    ]
