"""A stance stretch carries what a cell of the comparison matrix shows of its shown statement: the quote, said_on,
the speaker's name (none when a curator rejected the speaker), the document's URL and id. The matrix then reads
one row of the read model per cell and no statement, speaker or document (at 1,000,000 statements the three
lookups per cell were about 3.7 of PostgreSQL's 5.7 ms for the matrix's statement).

`positions_stance_cells_of(proposals)` is migration 0025's `positions_stance_runs_of` with those five columns;
the refresh (the triggers of 0022 and 0025, `rebuild_runs`) writes it. What changes them without changing a
run gets a row trigger that rewrites the stretches showing the statement concerned: a statement's quote, speaker
or document; an actor's name or whether it is rejected; a document's URL.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

STANCE_CELLS_OF = """
CREATE FUNCTION positions_stance_cells_of(proposals bigint[])
RETURNS TABLE (negotiation_id bigint, proposal_id bigint, party_id bigint, public boolean, stance varchar,
               row_id bigint, first_row_id bigint, since date, validity daterange,
               review_state varchar, statements integer, last_stated date, shown_statement_id bigint,
               shown_quote text, shown_said_on date, shown_speaker_name varchar, shown_url varchar,
               shown_document_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.*, s.quote, s.said_on, a.name, d.url, s.document_id
    FROM positions_stance_runs_of(proposals) r
    LEFT JOIN positions_statement s ON s.id = r.shown_statement_id
    LEFT JOIN positions_actor a ON a.id = s.speaker_id AND a.review_state <> 'rejected'
    LEFT JOIN positions_document d ON d.id = s.document_id
$$;
"""


def stance_runs_refresh() -> str:
    """Migration 0025's refresh, writing `positions_stance_cells_of`'s rows (with what each stretch shows)."""
    evidence = importlib.import_module("positions.migrations.0025_stance_run_evidence")
    written = evidence.STANCE_RUNS_REFRESH.replace(
        "last_stated, shown_statement_id)\n    SELECT * FROM positions_stance_runs_of(proposals);",
        "last_stated, shown_statement_id,\n"
        "                                     shown_quote, shown_said_on, shown_speaker_name, shown_url, "
        "shown_document_id)\n    SELECT * FROM positions_stance_cells_of(proposals);",
    )
    assert written != evidence.STANCE_RUNS_REFRESH, "migration 0025's refresh is not the one this replaces"
    return written


# The stretches showing any of these statements, rewritten from them (only where something differs).
STANCE_RUNS_SHOW = """
CREATE FUNCTION positions_stance_runs_show(statement_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE positions_stancerun r
    SET shown_quote = s.quote, shown_said_on = s.said_on, shown_speaker_name = a.name, shown_url = d.url,
        shown_document_id = s.document_id
    FROM positions_statement s
    LEFT JOIN positions_actor a ON a.id = s.speaker_id AND a.review_state <> 'rejected'
    LEFT JOIN positions_document d ON d.id = s.document_id
    WHERE s.id = ANY(statement_ids) AND r.shown_statement_id = s.id
      AND (r.shown_quote, r.shown_said_on, r.shown_speaker_name, r.shown_url, r.shown_document_id)
          IS DISTINCT FROM (s.quote, s.said_on, a.name, d.url, s.document_id);
$$;
"""

# Row triggers with a WHEN: an update that changes none of these columns costs no call. (A statement's said_on,
# review state or party already recomputes its proposals' runs, migration 0025.)
SHOWN_ON_WRITE = """
CREATE FUNCTION positions_stance_runs_shown_on_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'positions_statement' THEN
        PERFORM positions_stance_runs_show(ARRAY[NEW.id]);
    ELSIF TG_TABLE_NAME = 'positions_actor' THEN
        PERFORM positions_stance_runs_show(ARRAY(SELECT id FROM positions_statement WHERE speaker_id = NEW.id));
    ELSE
        PERFORM positions_stance_runs_show(ARRAY(SELECT id FROM positions_statement WHERE document_id = NEW.id));
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = [
    "CREATE TRIGGER positions_stance_runs_shown AFTER UPDATE ON positions_statement FOR EACH ROW "
    "WHEN ((OLD.quote, OLD.speaker_id, OLD.document_id) IS DISTINCT FROM (NEW.quote, NEW.speaker_id, NEW.document_id)) "
    "EXECUTE FUNCTION positions_stance_runs_shown_on_write();",
    "CREATE TRIGGER positions_stance_runs_shown AFTER UPDATE ON positions_actor FOR EACH ROW "
    "WHEN ((OLD.name, OLD.review_state = 'rejected') IS DISTINCT FROM (NEW.name, NEW.review_state = 'rejected')) "
    "EXECUTE FUNCTION positions_stance_runs_shown_on_write();",
    "CREATE TRIGGER positions_stance_runs_shown AFTER UPDATE ON positions_document FOR EACH ROW "
    "WHEN (OLD.url IS DISTINCT FROM NEW.url) EXECUTE FUNCTION positions_stance_runs_shown_on_write();",
]

# What the stretches there are show (one pass, not a recomputation of every run).
FILL = """
SELECT positions_stance_runs_show(ARRAY(
    SELECT DISTINCT shown_statement_id FROM positions_stancerun WHERE shown_statement_id IS NOT NULL
));
"""


def previous_functions() -> list[str]:
    """Migration 0025's refresh, to go back to."""
    evidence = importlib.import_module("positions.migrations.0025_stance_run_evidence")
    return [
        *(f"DROP TRIGGER IF EXISTS positions_stance_runs_shown ON {table};" for table in SHOWN_TABLES),
        "DROP FUNCTION IF EXISTS positions_stance_runs_shown_on_write();",
        "DROP FUNCTION IF EXISTS positions_stance_runs_show(bigint[]);",
        evidence.STANCE_RUNS_REFRESH,
        "DROP FUNCTION IF EXISTS positions_stance_cells_of(bigint[]);",
    ]


SHOWN_TABLES = ("positions_statement", "positions_actor", "positions_document")


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0026_data_version_notify"),
    ]

    operations = [
        migrations.AddField(
            model_name="stancerun",
            name="shown_quote",
            field=models.TextField(help_text="The shown statement's quote.", null=True),
        ),
        migrations.AddField(
            model_name="stancerun",
            name="shown_said_on",
            field=models.DateField(help_text="The shown statement's said_on.", null=True),
        ),
        migrations.AddField(
            model_name="stancerun",
            name="shown_speaker_name",
            field=models.CharField(
                help_text="Its speaker's name; none when there is none or a curator rejected it.",
                max_length=200,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="stancerun",
            name="shown_url",
            field=models.URLField(help_text="Its document's URL.", max_length=2000, null=True),
        ),
        migrations.AddField(
            model_name="stancerun",
            name="shown_document",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                help_text="Its document.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="positions.document",
            ),
        ),
        migrations.AddIndex(
            model_name="stancerun",
            index=models.Index(fields=["shown_statement"], name="stance_run_shown_idx"),
        ),
        migrations.RunSQL(
            [STANCE_CELLS_OF, stance_runs_refresh(), STANCE_RUNS_SHOW, SHOWN_ON_WRITE, *TRIGGERS, FILL],
            reverse_sql=previous_functions(),
        ),
    ]
