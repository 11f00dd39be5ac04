"""Writes about the running system."""

from django.db import connection
from django.utils import timezone

from positions.models import WorkerHeartbeat


def heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": timezone.now()})
    return heartbeat


def data_writes_compact() -> int:
    """Fold the counted writes (DataWrite) into one row of their summed weight, so that reading the data
    version stays one small sum; the sum itself does not change. Returns how many rows were folded."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH gone AS (
                DELETE FROM positions_datawrite
                WHERE (SELECT count(*) FROM positions_datawrite) > 1
                RETURNING weight
            )
            INSERT INTO positions_datawrite ("table", weight)
            SELECT 'compacted', sum(weight) FROM gone HAVING count(*) > 0
            RETURNING (SELECT count(*) FROM gone)
            """
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def lexicon_writes_compact() -> int:
    """Fold the counted writes to the lexicon (LexiconWrite) into one new row, so that reading the lexicon's
    version stays a count over a few rows. The version moves once (each worker loads its lexicon again): the
    new row's id is higher than any given before, so no later version repeats an earlier one, and a write
    still uncommitted is not folded (this snapshot cannot see it) and counts when it commits. Returns how
    many rows were folded."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH gone AS (
                DELETE FROM positions_lexiconwrite
                WHERE (SELECT count(*) FROM positions_lexiconwrite) > 1
                RETURNING id
            )
            INSERT INTO positions_lexiconwrite ("table")
            SELECT 'compacted' FROM gone HAVING count(*) > 0
            RETURNING (SELECT count(*) FROM gone)
            """
        )
        row = cursor.fetchone()
    return row[0] if row else 0
