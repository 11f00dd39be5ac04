"""Where documents come from (Source), the documents themselves, and the record of each ingest run."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from positions.vocabularies import ItemState, SourceKind, choice_check


class Source(models.Model):
    """Where documents come from, with its polling schedule and health.

    `is_active` is the curator's switch; `paused_reason` is set when repeated failures
    paused it automatically (a curator clears it). A poll claims the row by setting
    `polling_since`, so two workers never poll one source at once.
    """

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    url = models.URLField(max_length=2000, blank=True)
    path = models.CharField(max_length=1000, blank=True, help_text="A file or a folder, for file sources.")
    negotiation = models.ForeignKey(
        "positions.Negotiation", on_delete=models.SET_NULL, null=True, blank=True, related_name="sources"
    )
    poll_interval = models.PositiveIntegerField(default=3600, help_text="Seconds between polls.")
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    paused_reason = models.TextField(blank=True, help_text="Why the source was paused automatically.")
    next_poll_at = models.DateTimeField(null=True, blank=True, help_text="Not polled before this (back-off).")
    polling_since = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failures_in_row = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["is_active", "next_poll_at"], name="source_due_idx")]
        constraints = [
            choice_check("kind", SourceKind, "source_kind_valid"),
            models.CheckConstraint(condition=Q(poll_interval__gte=60), name="source_poll_interval_at_least_minute"),
            models.CheckConstraint(
                condition=~Q(kind__in=[SourceKind.FEED, SourceKind.PAGE]) | ~Q(url=""),
                name="source_feed_or_page_has_url",
            ),
            models.CheckConstraint(condition=~Q(kind=SourceKind.FILES) | ~Q(path=""), name="source_files_have_path"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def paused(self) -> bool:
        return bool(self.paused_reason)


class Item(models.Model):
    """One thing a source listed (a feed entry, the page, a file): the unit of processing.

    Unique per (source, key), so a feed entry becomes at most one Document however often
    it is polled; a processing task claims the row (state, claim token) before working.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    run = models.ForeignKey("positions.IngestRun", on_delete=models.SET_NULL, null=True, related_name="items")
    key = models.CharField(max_length=1000, help_text="Entry id, else canonical URL, else a content hash.")
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    summary = models.TextField(blank=True, help_text="Plain text the feed gave for the entry.")
    published = models.DateField(null=True, blank=True)
    published_raw = models.CharField(max_length=200, blank=True)
    given = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the person who asked for the ingest said of the document (title, published, publisher): "
        "it wins over what is read from it.",
    )
    state = models.CharField(max_length=12, choices=ItemState.choices, default=ItemState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(default=timezone.now, help_text="When a task was last sent for it.")
    stage = models.CharField(max_length=20, blank=True, help_text="Where it failed.")
    error = models.TextField(blank=True)
    document = models.ForeignKey(
        "positions.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["run", "state"], name="item_run_state_idx")]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="item_unique_per_source"),
            models.CheckConstraint(condition=~Q(key=""), name="item_key_not_empty"),
            choice_check("state", ItemState, "item_state_valid"),
            models.CheckConstraint(
                condition=~Q(state__in=[ItemState.DONE, ItemState.DUPLICATE]) | Q(document__isnull=False),
                name="item_done_has_document",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.key


class Document(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    url = models.URLField(max_length=2000, blank=True, help_text="Canonical URL.")
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    published_raw = models.CharField(
        max_length=200, blank=True, help_text="The date as found, kept when it was unreadable or implausible."
    )
    date_implausible = models.BooleanField(default=False, help_text="The source's date was before 1990 or ahead.")
    author = models.CharField(max_length=300, blank=True)
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
    minhash = ArrayField(models.BigIntegerField(), null=True, blank=True, help_text="MinHash signature.")
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published", "title"]
        indexes = [models.Index(fields=["published"], name="document_published_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(content_hash__regex=r"^[0-9a-f]{64}$"), name="document_hash_is_sha256"),
            models.CheckConstraint(condition=~Q(near_duplicate_of=F("pk")), name="document_not_own_duplicate"),
            models.CheckConstraint(condition=~Q(text=""), name="document_has_text"),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentBand(models.Model):
    """One LSH band key of a document's MinHash: documents sharing a key are near-duplicate candidates."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key"], name="document_band_key_idx")]
        constraints = [models.UniqueConstraint(fields=["document", "band"], name="document_band_unique")]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.band}: {self.key}"


class IngestRun(models.Model):
    """One poll or command: what it saw and what became of each item.

    seen = known (listed by an earlier poll too) + new + duplicate (text already stored)
    + no_text + failed + still pending.
    """

    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs")
    trigger = models.CharField(max_length=20, help_text="schedule, command, admin, upload…")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    seen = models.PositiveIntegerField(default=0)
    known = models.PositiveIntegerField(default=0, help_text="Entries seen in an earlier poll.")
    new = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    no_text = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    statements = models.PositiveIntegerField(default=0)
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

    @property
    def pending(self) -> int:
        return self.seen - self.known - self.new - self.duplicate - self.no_text - self.failed
