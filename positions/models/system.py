"""Facts about the running system itself, not the negotiation."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task; /healthz reports its age."""

    worker = models.CharField(max_length=200, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at.isoformat()}"


class DataWrite(models.Model):
    """One row per SQL statement that wrote a table the public reads read, made by a trigger
    (migration 0016), so that every write counts, the ORM's, a bulk one's and a raw one's alike.

    The cached answers (positions.selectors.cached_answer) are keyed on the sum of `weight` and the
    highest id, read in the reader's own snapshot: a write becomes part of the version exactly when it
    becomes visible, and a write rolled back takes its row with it. `compact_data_writes` folds the
    rows into one that carries their summed weight, so the sum never goes back."""

    table = models.CharField(max_length=63)
    weight = models.BigIntegerField(default=1)
    written_at = models.DateTimeField(db_default=models.functions.Now())

    def __str__(self) -> str:
        return f"{self.table} ×{self.weight}"


class LexiconWrite(models.Model):
    """One row per write to what the statement stages read (`selectors.lexicon_load`): negotiations,
    parties, issues, proposals, approved actors and their roles, made by triggers (migration 0023) in the
    writer's own transaction. Their count and highest id, read in the reader's snapshot, are the lexicon's
    version (`selectors.lexicon_version`): a worker keeps its lexicon until a new write becomes visible.
    Writers only add rows, so they never wait on one another for them; the hourly beat task
    `compact_data_writes` folds them into one (`services.system.lexicon_writes_compact`)."""

    table = models.CharField(max_length=63)
    written_at = models.DateTimeField(db_default=models.functions.Now())

    def __str__(self) -> str:
        return f"{self.table} at {self.written_at}"
