"""Counts the writes to what the statement stages read (`selectors.lexicon_load`), in
positions.models.LexiconWrite: one row per write, made by a trigger in the writer's own transaction.

Negotiations, parties, issues and proposals count on any write (one row per SQL statement); actors only
when the row is or was approved, roles only when their actor is approved (one row per row written), so
that the pending speakers and roles the ingest suggests itself do not throw every worker's lexicon away.
Rows are only added, never updated: writers never wait on one another for them.

Numbered 0023 beside the stance-run read model's 0022 (another branch): when both are merged, this one's
dependency becomes that 0022."""

import django.db.models.functions.datetime
from django.db import migrations, models

ANY_WRITE = ("positions_negotiation", "positions_party", "positions_issue", "positions_proposal")
LEXICON_TABLES = (*ANY_WRITE, "positions_actor", "positions_role")

FUNCTIONS = """
CREATE FUNCTION positions_lexicon_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO positions_lexiconwrite ("table") VALUES (TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE FUNCTION positions_lexicon_actor_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP IN ('UPDATE', 'DELETE') AND OLD.review_state = 'approved')
        OR (TG_OP IN ('INSERT', 'UPDATE') AND NEW.review_state = 'approved') THEN
        INSERT INTO positions_lexiconwrite ("table") VALUES (TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION positions_lexicon_role_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP IN ('UPDATE', 'DELETE')
            AND EXISTS (SELECT 1 FROM positions_actor WHERE id = OLD.actor_id AND review_state = 'approved'))
        OR (TG_OP IN ('INSERT', 'UPDATE')
            AND EXISTS (SELECT 1 FROM positions_actor WHERE id = NEW.actor_id AND review_state = 'approved')) THEN
        INSERT INTO positions_lexiconwrite ("table") VALUES (TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = [
    *(
        f"CREATE TRIGGER positions_lexicon_write AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION positions_lexicon_write();"
        for table in ANY_WRITE
    ),
    *(
        f"CREATE TRIGGER positions_lexicon_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION positions_lexicon_write();"
        for table in LEXICON_TABLES
    ),
    "CREATE TRIGGER positions_lexicon_write AFTER INSERT OR UPDATE OR DELETE ON positions_actor "
    "FOR EACH ROW EXECUTE FUNCTION positions_lexicon_actor_write();",
    "CREATE TRIGGER positions_lexicon_write AFTER INSERT OR UPDATE OR DELETE ON positions_role "
    "FOR EACH ROW EXECUTE FUNCTION positions_lexicon_role_write();",
]


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0022_stance_and_status_runs"),
    ]

    operations = [
        migrations.CreateModel(
            name="LexiconWrite",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("table", models.CharField(max_length=63)),
                ("written_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
        ),
        migrations.RunSQL(
            [FUNCTIONS, *TRIGGERS],
            reverse_sql=[
                *(f"DROP TRIGGER IF EXISTS positions_lexicon_write ON {table};" for table in LEXICON_TABLES),
                *(f"DROP TRIGGER IF EXISTS positions_lexicon_truncate ON {table};" for table in LEXICON_TABLES),
                "DROP FUNCTION IF EXISTS positions_lexicon_role_write();",
                "DROP FUNCTION IF EXISTS positions_lexicon_actor_write();",
                "DROP FUNCTION IF EXISTS positions_lexicon_write();",
            ],
        ),
    ]
