"""The read model of runs (positions.models.runs) rebuilt from the stance and status history, or compared with it.

The triggers of migrations 0022, 0025 and 0027 keep the runs, and each stance stretch's evidence figures, as each write
happens; `runs_rebuild` recomputes them with the same SQL functions from every row, a batch of proposals at a
time, and counts the stored rows that differed from the recomputed ones first: 0 when the incremental read
model is right.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from positions.models import Proposal

COLUMNS = {
    "stance": "negotiation_id, proposal_id, party_id, public, stance, row_id, first_row_id, since, validity, "
    "review_state, statements, last_stated, shown_statement_id, shown_quote, shown_said_on, shown_speaker_name, "
    "shown_url, shown_document_id",
    "status": "negotiation_id, proposal_id, public, status, row_id, first_row_id, since, validity",
}
TABLES = {"stance": "positions_stancerun", "status": "positions_statusrun"}
# What computes a proposal's rows from its history: a stance stretch with what its cell shows (migration 0027).
COMPUTED = {"stance": "positions_stance_cells_of", "status": "positions_status_runs_of"}


@dataclass
class RunsReport:
    differed: dict[str, int] = field(default_factory=dict)  # stored rows missing from the recomputed ones, and back
    rows: dict[str, int] = field(default_factory=dict)  # rows recomputed from the history
    proposals: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        counts = ", ".join(f"{self.rows[kind]:,} {kind} run rows, {self.differed[kind]} differed" for kind in COLUMNS)
        return f"{self.proposals:,} proposals: {counts}; {self.seconds:.2f} s"


def _differences(cursor, kind: str, proposals: list[int]) -> tuple[int, int]:
    """How many rows the stored and the recomputed runs of these proposals do not share (each side's extra
    rows, duplicates counted), and how many the recomputed ones are."""
    columns, table = COLUMNS[kind], TABLES[kind]
    stored = f"SELECT {columns} FROM {table} WHERE proposal_id = ANY(%(ids)s)"
    computed = f"SELECT {columns} FROM {COMPUTED[kind]}(%(ids)s)"
    cursor.execute(
        f"""WITH stored AS MATERIALIZED ({stored}), computed AS MATERIALIZED ({computed})
            SELECT (SELECT count(*) FROM (TABLE stored EXCEPT ALL TABLE computed) AS extra)
                 + (SELECT count(*) FROM (TABLE computed EXCEPT ALL TABLE stored) AS missing),
                   (SELECT count(*) FROM computed)""",
        {"ids": proposals},
    )
    return cursor.fetchone()


def runs_rebuild(*, write: bool = True, batch: int = 500, progress: Callable[[int], None] | None = None) -> RunsReport:
    """Recompute the stance and status runs of every proposal from its rows; count the stored rows that
    differed first; with `write`, store the recomputed ones (each batch in its own transaction)."""
    report = RunsReport(differed=dict.fromkeys(COLUMNS, 0), rows=dict.fromkeys(COLUMNS, 0))
    started = time.perf_counter()
    ids = list(Proposal.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic(), connection.cursor() as cursor:
            for kind in COLUMNS:
                differed, rows = _differences(cursor, kind, chunk)
                report.differed[kind] += differed
                report.rows[kind] += rows
                if write:
                    cursor.execute(f"SELECT positions_{kind}_runs_refresh(%s)", [chunk])
        if progress is not None:
            progress(len(chunk))
    report.proposals, report.seconds = len(ids), time.perf_counter() - started
    return report
