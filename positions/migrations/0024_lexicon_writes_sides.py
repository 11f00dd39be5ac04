"""Counts the writes to a negotiation's sides (its parties, the many-to-many table) as lexicon writes, as
migration 0023 counts the other tables `selectors.lexicon_load` reads: the sides say whose posts a role named
without its party ("the Prime Minister") can be."""

from django.db import migrations

TABLE = "positions_negotiation_parties"

TRIGGERS = [
    f"CREATE TRIGGER positions_lexicon_write AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION positions_lexicon_write();",
    f"CREATE TRIGGER positions_lexicon_truncate AFTER TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION positions_lexicon_write();",
]


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0023_lexicon_writes"),
    ]

    operations = [
        migrations.RunSQL(
            TRIGGERS,
            reverse_sql=[
                f"DROP TRIGGER IF EXISTS positions_lexicon_write ON {TABLE};",
                f"DROP TRIGGER IF EXISTS positions_lexicon_truncate ON {TABLE};",
            ],
        ),
    ]
