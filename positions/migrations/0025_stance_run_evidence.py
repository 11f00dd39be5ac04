"""A stance stretch carries its row's review state and its run's evidence up to it (positions/models/runs.py):
how many statements, the latest said and the one shown first, so that a cell of the comparison matrix is one row of the read model
instead of every evidence link of its run counted at each request.

`positions_stance_runs_of(proposals)` computes them with the stretches, from the evidence of the rows of the
run's stretches that start by this one's start, rejected statements left out, in one pass of window functions
over a run's statements (each at the first stretch it grounds) and stretches in date order; the shown statement is the
latest (said_on, then id) by the party's own speakers, else the latest by others; `last_stated` is the latest
said_on, else the day the stretch's row took effect. What changes them besides the stances themselves gets a
trigger that recomputes the proposals concerned in the same transaction: a link of a stance to its evidence
added or removed, a statement whose review state (rejected or not), said_on or party changes, and a statement
inserted after the links to it.
"""

import datetime
import importlib

import django.db.models.deletion
from django.db import migrations, models

# The stretches of migration 0022's function, then each stretch's run evidence up to it.
STANCE_RUNS_OF = """
CREATE FUNCTION positions_stance_runs_of(proposals bigint[])
RETURNS TABLE (negotiation_id bigint, proposal_id bigint, party_id bigint, public boolean, stance varchar,
               row_id bigint, first_row_id bigint, since date, validity daterange,
               review_state varchar, statements integer, last_stated date, shown_statement_id bigint)
LANGUAGE sql STABLE AS $$
    WITH visible AS (
        SELECT id, proposal_id, party_id, public, stance AS value, effective, review_state, row_number() OVER (
            PARTITION BY proposal_id, party_id, public, effective
            ORDER BY review_state = 'approved' DESC, recorded_at DESC, id DESC
        ) AS place
        FROM positions_stance JOIN (VALUES (true), (false)) AS v(public)
          ON review_state = 'approved' OR (NOT public AND review_state <> 'rejected')
        WHERE proposal_id = ANY(proposals)
    ), in_force AS (
        SELECT *, lag(value) OVER pair IS DISTINCT FROM value AS starts, lead(effective) OVER pair AS until
        FROM visible WHERE place = 1
        WINDOW pair AS (PARTITION BY proposal_id, party_id, public ORDER BY effective)
    ), numbered AS (
        SELECT *, count(*) FILTER (WHERE starts) OVER (PARTITION BY proposal_id, party_id, public ORDER BY effective)
               AS run
        FROM in_force
    ), stretches AS (
        SELECT p.negotiation_id, n.proposal_id, n.party_id, n.public, n.value, n.id, n.run, n.effective, n.review_state,
               first_value(n.id) OVER run AS first_row_id, first_value(n.effective) OVER run AS since,
               daterange(n.effective, n.until) AS validity
        FROM numbered n JOIN positions_proposal p ON p.id = n.proposal_id
        WINDOW run AS (PARTITION BY n.proposal_id, n.party_id, n.public, n.run ORDER BY n.effective)
    ), grounds AS (  -- each evidence statement of a run once, at the first stretch whose row it grounds
        SELECT s.proposal_id, s.party_id, s.public, s.run, min(s.effective) AS effective, st.id AS statement_id,
               st.said_on, coalesce(st.party_id = s.party_id, false) AS own
        FROM stretches s
        JOIN positions_stance_evidence e ON e.stance_id = s.id
        JOIN positions_statement st ON st.id = e.statement_id AND st.review_state <> 'rejected'
        GROUP BY s.proposal_id, s.party_id, s.public, s.run, st.id
    ), events AS (  -- a run's statements and stretches in one order (one sort, no join whose size the planner misjudges)
        SELECT proposal_id, party_id, public, run, effective, 0 AS kind, statement_id, said_on, own,
               NULL::bigint AS negotiation_id, NULL::varchar AS value, NULL::bigint AS id, NULL::bigint AS first_row_id,
               NULL::date AS since, NULL::daterange AS validity, NULL::varchar AS review_state
        FROM grounds
        UNION ALL
        SELECT proposal_id, party_id, public, run, effective, 1, NULL, NULL, NULL,
               negotiation_id, value, id, first_row_id, since, validity, review_state
        FROM stretches
    ), figures AS (  -- on a stretch's line: what its run's statements up to its day add up to (an array of nulls
                     -- is no null: the stretches' own lines are filtered out of the latest)
        SELECT *, count(statement_id) OVER upto AS statements, max(said_on) OVER upto AS last_said,
               max(ARRAY[said_on - DATE '0001-01-01', statement_id]) FILTER (WHERE own) OVER upto AS own_latest,
               max(ARRAY[said_on - DATE '0001-01-01', statement_id]) FILTER (WHERE kind = 0) OVER upto AS latest
        FROM events
        WINDOW upto AS (PARTITION BY proposal_id, party_id, public, run ORDER BY effective, kind)
    )
    SELECT negotiation_id, proposal_id, party_id, public, value, id, first_row_id, since, validity, review_state,
           statements::integer, coalesce(last_said, effective), coalesce(own_latest[2], latest[2])
    FROM figures
    WHERE kind = 1
$$;
"""

LOCK_SPACE = 0x72756E73  # migration 0022's

STANCE_RUNS_REFRESH = f"""
CREATE OR REPLACE FUNCTION positions_stance_runs_refresh(proposals bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    proposal bigint;
BEGIN
    IF coalesce(cardinality(proposals), 0) = 0 THEN
        RETURN;
    END IF;
    FOR proposal IN SELECT DISTINCT p FROM unnest(proposals) AS p WHERE p IS NOT NULL ORDER BY p LOOP
        PERFORM pg_advisory_xact_lock({LOCK_SPACE}, hashint8(proposal));
    END LOOP;
    DELETE FROM positions_stancerun WHERE proposal_id = ANY(proposals);
    INSERT INTO positions_stancerun (negotiation_id, proposal_id, party_id, public, stance, row_id, first_row_id,
                                     since, validity, review_state, statements, last_stated, shown_statement_id)
    SELECT * FROM positions_stance_runs_of(proposals);
END $$;
"""

# The links of stances to their evidence: the proposals of the stances linked or unlinked.
EVIDENCE_ON_WRITE = """
CREATE FUNCTION positions_stance_evidence_runs_on_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM positions_stance_runs_refresh(ARRAY(
            SELECT DISTINCT s.proposal_id FROM new_rows l JOIN positions_stance s ON s.id = l.stance_id
        ));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM positions_stance_runs_refresh(ARRAY(
            SELECT DISTINCT s.proposal_id FROM old_rows l JOIN positions_stance s ON s.id = l.stance_id
        ));
    ELSE
        PERFORM positions_stance_runs_refresh(ARRAY(
            SELECT DISTINCT s.proposal_id
            FROM (SELECT stance_id FROM old_rows UNION SELECT stance_id FROM new_rows) AS l
            JOIN positions_stance s ON s.id = l.stance_id
        ));
    END IF;
    RETURN NULL;
END $$;
"""

# A statement whose standing as evidence changes: rejected or not, its date, its party (the shown one is the
# party's own). Its quote, speaker and document are read at request time: they change no run. A statement
# inserted after links to it (foreign keys are checked at commit: a COPY of every table, a fixture) grounds
# their stances from then on.
STATEMENT_ON_WRITE = """
CREATE FUNCTION positions_statement_runs_on_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM positions_stance_runs_refresh(ARRAY(
            SELECT DISTINCT s.proposal_id
            FROM new_rows n
            JOIN positions_stance_evidence e ON e.statement_id = n.id
            JOIN positions_stance s ON s.id = e.stance_id
        ));
    ELSE
        PERFORM positions_stance_runs_refresh(ARRAY(
            SELECT DISTINCT s.proposal_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            JOIN positions_stance_evidence e ON e.statement_id = n.id
            JOIN positions_stance s ON s.id = e.stance_id
            WHERE (o.review_state = 'rejected', o.said_on, o.party_id)
                  IS DISTINCT FROM (n.review_state = 'rejected', n.said_on, n.party_id)
        ));
    END IF;
    RETURN NULL;
END $$;
"""

OPS = ("insert", "update", "delete")
TRIGGERS = [
    *(
        f"CREATE TRIGGER positions_stance_runs_{op.lower()} AFTER {op} ON positions_stance_evidence "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION positions_stance_evidence_runs_on_write();"
        for op, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ),
    "CREATE TRIGGER positions_stance_runs_insert AFTER INSERT ON positions_statement REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION positions_statement_runs_on_write();",
    "CREATE TRIGGER positions_stance_runs_update AFTER UPDATE ON positions_statement "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION positions_statement_runs_on_write();",
]


def previous_functions() -> list[str]:
    """Migration 0022's function and refresh of stance runs, to go back to."""
    runs = importlib.import_module("positions.migrations.0022_stance_and_status_runs")
    return [
        *(f"DROP TRIGGER IF EXISTS positions_stance_runs_{op} ON positions_stance_evidence;" for op in OPS),
        "DROP TRIGGER IF EXISTS positions_stance_runs_insert ON positions_statement;",
        "DROP TRIGGER IF EXISTS positions_stance_runs_update ON positions_statement;",
        "DROP FUNCTION IF EXISTS positions_stance_evidence_runs_on_write();",
        "DROP FUNCTION IF EXISTS positions_statement_runs_on_write();",
        "DROP FUNCTION IF EXISTS positions_stance_runs_refresh(bigint[]);",
        "DROP FUNCTION IF EXISTS positions_stance_runs_of(bigint[]);",
        *runs.runs_sql("stance")[:2],
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0024_lexicon_writes_sides"),
    ]

    operations = [
        migrations.AddField(
            model_name="stancerun",
            name="review_state",
            field=models.CharField(
                choices=[("pending", "pending review"), ("approved", "approved"), ("rejected", "rejected")],
                default="approved",
                help_text="The review state of `row`.",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="stancerun",
            name="statements",
            field=models.IntegerField(
                default=0, help_text="How many evidence statements ground the run up to this stretch."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="stancerun",
            name="last_stated",
            field=models.DateField(
                default=datetime.date(1, 1, 1),
                help_text="The latest said_on of that evidence, or the day `row` took effect when there is none.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="stancerun",
            name="shown_statement",
            field=models.ForeignKey(
                help_text="The statement shown first: the latest by the party's own speakers, else the latest by "
                "others.",
                null=True,
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="positions.statement",
            ),
        ),
        migrations.RunSQL(
            [
                "DROP FUNCTION positions_stance_runs_of(bigint[]);",
                STANCE_RUNS_OF,
                STANCE_RUNS_REFRESH,
                EVIDENCE_ON_WRITE,
                STATEMENT_ON_WRITE,
                *TRIGGERS,
                "SELECT positions_stance_runs_refresh(ARRAY(SELECT id FROM positions_proposal));",
            ],
            reverse_sql=previous_functions(),
        ),
    ]
