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
