"""The read model of runs (positions/models/runs.py): two tables and the SQL that keeps them.

`positions_stance_runs_of(proposals)` and `positions_status_runs_of(proposals)` compute the runs of those
proposals from their rows, as positions.selectors reads "as of" and "since": per visibility, the row in force
on each day a row took effect (approved first, then the one recorded last), then islands of equal values.
`positions_*_runs_refresh(proposals)` replaces the stored runs of those proposals with them. Statement-level
triggers call it with the proposals an insert, update or delete touched, so the runs change in the
transaction of the write, whoever writes (ORM, admin, bulk update, COPY, raw SQL). `manage.py rebuild_runs`
calls the same functions for every proposal. The tables get the data-write trigger of migration 0016.
"""

import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

# Two writers of one proposal's rows recompute its runs one after the other (an advisory lock per proposal
# in this key space, 'runs' in ASCII, keyed by the id's hash), the second seeing the first's rows once the first has committed.
LOCK_SPACE = 0x72756E73
TABLES = {
    "stance": ("positions_stance", "positions_stancerun"),
    "status": ("positions_statuschange", "positions_statusrun"),
}


def runs_sql(kind: str) -> list[str]:
    """The functions and triggers of one kind of run: "stance" (per proposal and party) or "status"."""
    table, runs = TABLES[kind]
    party = "party_id, " if kind == "stance" else ""
    pair = f"proposal_id, {party}public"
    watched = ["id", "proposal_id", *(["party_id"] if party else []), kind, "effective", "review_state", "recorded_at"]
    old, new = (", ".join(f"{side}.{column}" for column in watched) for side in ("o", "n"))
    return [
        f"""
        CREATE FUNCTION positions_{kind}_runs_of(proposals bigint[])
        RETURNS TABLE (negotiation_id bigint, proposal_id bigint, {"party_id bigint, " if party else ""}public boolean,
                       {kind} varchar, row_id bigint, first_row_id bigint, since date, validity daterange)
        LANGUAGE sql STABLE AS $$
            WITH visible AS (
                SELECT id, proposal_id, {party}public, {kind} AS value, effective, row_number() OVER (
                    PARTITION BY {pair}, effective ORDER BY review_state = 'approved' DESC, recorded_at DESC, id DESC
                ) AS place
                FROM {table} JOIN (VALUES (true), (false)) AS v(public)
                  ON review_state = 'approved' OR (NOT public AND review_state <> 'rejected')
                WHERE proposal_id = ANY(proposals)
            ), in_force AS (
                SELECT *, lag(value) OVER pair IS DISTINCT FROM value AS starts, lead(effective) OVER pair AS until
                FROM visible WHERE place = 1
                WINDOW pair AS (PARTITION BY {pair} ORDER BY effective)
            ), numbered AS (
                SELECT *, count(*) FILTER (WHERE starts) OVER (PARTITION BY {pair} ORDER BY effective) AS run
                FROM in_force
            )
            SELECT p.negotiation_id, proposal_id, {party}public, value, n.id,
                   first_value(n.id) OVER run, first_value(effective) OVER run, daterange(effective, until)
            FROM numbered n JOIN positions_proposal p ON p.id = proposal_id
            WINDOW run AS (PARTITION BY {pair}, run ORDER BY effective)
        $$;
        """,
        f"""
        CREATE FUNCTION positions_{kind}_runs_refresh(proposals bigint[]) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            proposal bigint;
        BEGIN
            IF coalesce(cardinality(proposals), 0) = 0 THEN
                RETURN;
            END IF;
            FOR proposal IN SELECT DISTINCT p FROM unnest(proposals) AS p WHERE p IS NOT NULL ORDER BY p LOOP
                PERFORM pg_advisory_xact_lock({LOCK_SPACE}, hashint8(proposal));
            END LOOP;
            DELETE FROM {runs} WHERE proposal_id = ANY(proposals);
            INSERT INTO {runs} (negotiation_id, proposal_id, {party}public, {kind}, row_id, first_row_id, since, validity)
            SELECT * FROM positions_{kind}_runs_of(proposals);
        END $$;
        """,
        f"""
        CREATE FUNCTION positions_{kind}_runs_on_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM positions_{kind}_runs_refresh(ARRAY(SELECT DISTINCT proposal_id FROM new_rows));
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM positions_{kind}_runs_refresh(ARRAY(SELECT DISTINCT proposal_id FROM old_rows));
            ELSE  -- only the rows whose run-making columns changed: a note or evidence edit changes no run
                PERFORM positions_{kind}_runs_refresh(ARRAY(
                    SELECT DISTINCT unnest(ARRAY[o.proposal_id, n.proposal_id])
                    FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
                    WHERE ({old}) IS DISTINCT FROM ({new})
                ));
            END IF;
            RETURN NULL;
        END $$;
        """,
        *(
            f"CREATE TRIGGER positions_{kind}_runs_{op.lower()} AFTER {op} ON {table} REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION positions_{kind}_runs_on_write();"
            for op, tables in (
                ("INSERT", "NEW TABLE AS new_rows"),
                ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                ("DELETE", "OLD TABLE AS old_rows"),
            )
        ),
        f"CREATE TRIGGER positions_data_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {runs} "
        "FOR EACH STATEMENT EXECUTE FUNCTION positions_note_data_write();",
        f"SELECT positions_{kind}_runs_refresh(ARRAY(SELECT id FROM positions_proposal));",
    ]


def runs_reverse_sql(kind: str) -> list[str]:
    table, _ = TABLES[kind]
    return [
        *(f"DROP TRIGGER IF EXISTS positions_{kind}_runs_{op} ON {table};" for op in ("insert", "update", "delete")),
        f"DROP FUNCTION IF EXISTS positions_{kind}_runs_on_write();",
        f"DROP FUNCTION IF EXISTS positions_{kind}_runs_refresh(bigint[]);",
        f"DROP FUNCTION IF EXISTS positions_{kind}_runs_of(bigint[]);",
    ]


FOLLOW_PROPOSAL = [
    """
    CREATE FUNCTION positions_runs_follow_proposal() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE positions_stancerun SET negotiation_id = NEW.negotiation_id WHERE proposal_id = NEW.id;
        UPDATE positions_statusrun SET negotiation_id = NEW.negotiation_id WHERE proposal_id = NEW.id;
        RETURN NULL;
    END $$;
    """,
    "CREATE TRIGGER positions_runs_follow_proposal AFTER UPDATE OF negotiation_id ON positions_proposal "
    "FOR EACH ROW WHEN (OLD.negotiation_id IS DISTINCT FROM NEW.negotiation_id) "
    "EXECUTE FUNCTION positions_runs_follow_proposal();",
]


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0021_curator_deadlines_scales"),
    ]

    operations = [
        migrations.CreateModel(
            name="StanceRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "public",
                    models.BooleanField(
                        help_text="Read from approved rows only; else from every row but the rejected."
                    ),
                ),
                ("since", models.DateField(help_text="The day the run began.")),
                (
                    "validity",
                    django.contrib.postgres.fields.ranges.DateRangeField(
                        help_text="[the day `row` took effect, the next day another row is in force)"
                    ),
                ),
                (
                    "stance",
                    models.CharField(
                        choices=[
                            ("supports", "supports"),
                            ("opposes", "opposes"),
                            ("conditional", "conditional"),
                            ("ambiguous", "ambiguous"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "first_row",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="positions.stance"
                    ),
                ),
                (
                    "negotiation",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.negotiation",
                    ),
                ),
                (
                    "party",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.party",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.proposal",
                    ),
                ),
                (
                    "row",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING, related_name="in_force", to="positions.stance"
                    ),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GistIndex(
                        fields=["negotiation", "validity"], name="stance_run_asof_idx"
                    )
                ],
                "constraints": [
                    django.contrib.postgres.constraints.ExclusionConstraint(
                        expressions=[("proposal", "="), ("party", "="), ("public", "="), ("validity", "&&")],
                        name="stance_run_one_in_force",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="StatusRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "public",
                    models.BooleanField(
                        help_text="Read from approved rows only; else from every row but the rejected."
                    ),
                ),
                ("since", models.DateField(help_text="The day the run began.")),
                (
                    "validity",
                    django.contrib.postgres.fields.ranges.DateRangeField(
                        help_text="[the day `row` took effect, the next day another row is in force)"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("tabled", "tabled"),
                            ("under_discussion", "under discussion"),
                            ("accepted", "accepted"),
                            ("rejected", "rejected"),
                            ("implemented", "implemented"),
                            ("withdrawn", "withdrawn"),
                            ("stalled", "stalled"),
                            ("superseded", "superseded"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "first_row",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="positions.statuschange"
                    ),
                ),
                (
                    "negotiation",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.negotiation",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="positions.proposal",
                    ),
                ),
                (
                    "row",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="in_force",
                        to="positions.statuschange",
                    ),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GistIndex(
                        fields=["negotiation", "validity"], name="status_run_asof_idx"
                    )
                ],
                "constraints": [
                    django.contrib.postgres.constraints.ExclusionConstraint(
                        expressions=[("proposal", "="), ("public", "="), ("validity", "&&")],
                        name="status_run_one_in_force",
                    )
                ],
            },
        ),
        migrations.RunSQL(
            [*runs_sql("stance"), *runs_sql("status"), *FOLLOW_PROPOSAL],
            reverse_sql=[
                "DROP TRIGGER IF EXISTS positions_runs_follow_proposal ON positions_proposal;",
                "DROP FUNCTION IF EXISTS positions_runs_follow_proposal();",
                *runs_reverse_sql("stance"),
                *runs_reverse_sql("status"),
            ],
        ),
    ]
