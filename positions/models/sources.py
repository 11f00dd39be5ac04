"""Where documents come from (Source), the documents themselves, and the record of each ingest run."""

from django.db import models
from django.db.models import F, Q

from positions.vocabularies import SourceKind, choice_check


class Source(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    url = models.URLField(max_length=2000, blank=True)
    negotiation = models.ForeignKey(
        "positions.Negotiation", on_delete=models.SET_NULL, null=True, blank=True, related_name="sources"
    )
    poll_interval = models.PositiveIntegerField(default=3600, help_text="Seconds between polls.")
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failures_in_row = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            choice_check("kind", SourceKind, "source_kind_valid"),
            models.CheckConstraint(condition=Q(poll_interval__gte=60), name="source_poll_interval_at_least_minute"),
            models.CheckConstraint(
                condition=~Q(kind__in=[SourceKind.FEED, SourceKind.PAGE]) | ~Q(url=""),
                name="source_feed_or_page_has_url",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    url = models.URLField(max_length=2000, blank=True, help_text="Canonical URL.")
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=10, default="en")
    text = models.TextField()
    excerpt = models.BooleanField(
        default=False,
        help_text="The text holds only quoted passages of the original, not the whole document.",
    )
    content_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the text, hex.")
    near_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="near_duplicates"
    )
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published", "title"]
        indexes = [models.Index(fields=["published"], name="document_published_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(content_hash__regex=r"^[0-9a-f]{64}$"), name="document_hash_is_sha256"),
            models.CheckConstraint(condition=~Q(near_duplicate_of=F("pk")), name="document_not_own_duplicate"),
        ]

    def __str__(self) -> str:
        return self.title


class IngestRun(models.Model):
    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs")
    trigger = models.CharField(max_length=20, help_text="schedule, manual, upload, api…")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    statements = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{url, stage, message}, …]")

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="ingest_run_finishes_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source or 'manual'} at {self.started_at:%Y-%m-%d %H:%M}"
