"""The ingest writer: claims sources and items, stores what the pipeline returns, keeps the run's books.

Network work happens outside transactions; each item's results are written in one
transaction that only commits while the item's claim is still ours, so a task run twice,
or redelivered after a crash, changes nothing the second time.
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from positions import pipeline, selectors
from positions.ingest import dedupe
from positions.ingest.pdf import PDF_MAGIC
from positions.ingest.records import FetchError, IngestError
from positions.ingest.text import binary_kind
from positions.models import Document, DocumentBand, IngestRun, Item, ItemState, Negotiation, Source
from positions.pipeline import DocumentInput
from positions.services import statements
from positions.vocabularies import SourceKind

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(days=1)
DUPLICATE_CANDIDATES = 20


@dataclass(frozen=True)
class Given:
    """What the person who asks for an ingest says of its documents: it wins over what is read from them."""

    title: str = ""
    published: date | None = None
    publisher: str = ""

    def as_json(self) -> dict:
        published = self.published.isoformat() if self.published else ""
        values = {"title": self.title, "published": published, "publisher": self.publisher}
        return {name: value for name, value in values.items() if value}

    @classmethod
    def from_json(cls, data: dict) -> "Given":
        published = data.get("published")
        return cls(
            title=data.get("title", ""),
            published=date.fromisoformat(published) if published else None,
            publisher=data.get("publisher", ""),
        )


@dataclass(frozen=True)
class PollResult:
    run: IngestRun | None  # None: another worker holds the source
    new_item_ids: tuple[int, ...] = ()


def _claim_expired():
    return timezone.now() - timedelta(seconds=settings.INGEST_CLAIM_SECONDS)


def sources_due(*, now=None) -> list[int]:
    now = now or timezone.now()
    due = Source.objects.filter(is_active=True, paused_reason="", kind__in=["feed", "page", "files"])
    due = due.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    due = due.filter(Q(polling_since__isnull=True) | Q(polling_since__lt=_claim_expired()))
    return list(due.values_list("pk", flat=True))


def source_poll(*, source_id: int, trigger: str, given: Given | None = None) -> PollResult:
    """List a source's entries and record the new ones as pending items of a new run, with what the
    person asking said of them (`given`); entries known from an earlier poll are left as they are."""
    now = timezone.now()
    claimed = Source.objects.filter(pk=source_id).filter(
        Q(polling_since__isnull=True) | Q(polling_since__lt=_claim_expired())
    )
    if not claimed.update(polling_since=now):
        return PollResult(run=None)
    source = Source.objects.get(pk=source_id)
    run = IngestRun.objects.create(source=source, trigger=trigger, started_at=now)
    spec = pipeline.SourceSpec(source.kind, source.url, source.path, source.etag, source.last_modified)
    try:
        listing = pipeline.list_source(spec)
    except IngestError as exc:
        _source_failed(source, run, exc)
        return PollResult(run=run)
    except Exception as exc:  # a bug must not leave the source claimed forever
        logger.exception("polling source %s failed", source_id)
        _source_failed(source, run, IngestError(f"unexpected error: {exc.__class__.__name__}: {exc}"))
        return PollResult(run=run)
    new_ids = _items_record(source, run, listing.entries, given=given)
    Source.objects.filter(pk=source_id).update(
        polling_since=None,
        last_polled_at=now,
        last_success_at=now,
        failures_in_row=0,
        next_poll_at=now + timedelta(seconds=source.poll_interval),
        etag=listing.etag[:500],
        last_modified=listing.last_modified[:100],
    )
    run_refresh(run_id=run.pk)
    run.refresh_from_db()
    return PollResult(run=run, new_item_ids=new_ids)


@dataclass(frozen=True)
class Upload:
    """What an upload became: its run, and one item per file (new, or the one its text already had)."""

    run: IngestRun
    items: tuple[Item, ...]


def upload_refusal(*, files) -> str:
    """Why uploaded files (each with .name, .size, .read() and .seek()) are refused, or "": over the size
    cap, or binary. Cheap enough for the web request; PDFs pass, for the worker to read."""
    limit = settings.FETCH_MAX_DECOMPRESSED
    too_big = [f.name for f in files if f.size > limit]
    if too_big:
        return f"over the {limit:,}-byte limit: {', '.join(too_big)}"
    binary = []
    for f in files:
        data = f.read()
        f.seek(0)
        kind = "" if data.startswith(PDF_MAGIC) else binary_kind(data)
        if kind:
            binary.append(f"{f.name} is {kind}")
    if binary:
        return f"not text: {'; '.join(binary)}. Only text, HTML and PDF files are read."
    return ""


def upload_store(
    *,
    files: list[tuple[str, bytes]],
    trigger: str = "upload",
    given: Given | None = None,
    negotiation: Negotiation | None = None,
) -> Upload:
    """Record uploaded files (name, bytes) as pending items of a new run, with what the uploader said of
    them (`given`); once the transaction commits, write them under UPLOAD_DIR and queue their processing.
    The worker reads them, never the request. Files filed under a negotiation go to its own uploads source,
    so that their topics come from its issues.

    Files are written only after the commit, so a request that rolls back leaves no file behind."""
    source = _uploads_source(negotiation)
    run = IngestRun.objects.create(source=source, trigger=trigger, started_at=timezone.now())
    folder = Path(settings.UPLOAD_DIR)
    to_write, entries = {}, []
    for name, data in files:
        path = folder / f"{hashlib.sha256(data).hexdigest()}{_upload_suffix(name, data)}"  # by content: no clashes
        to_write[path] = data
        entries.append(pipeline.file_entry(path, title=Path(name).stem))
    new_ids = _items_record(source, run, entries, given=given)
    keys = [entry.key[:1000] for entry in entries]
    items = {item.key: item for item in Item.objects.filter(source=source, key__in=keys)}
    run_refresh(run_id=run.pk)
    run.refresh_from_db()
    transaction.on_commit(lambda: _uploads_write_and_queue(to_write, new_ids))
    return Upload(run=run, items=tuple(dict.fromkeys(items[key] for key in keys)))


def _uploads_source(negotiation: Negotiation | None) -> Source:
    """Uploads are one source, or one per negotiation; named for it, never for a place on this machine."""
    if negotiation is None:
        source, _ = Source.objects.get_or_create(name="Uploads", defaults={"kind": "upload", "is_active": False})
        return source
    source, _ = Source.objects.get_or_create(
        kind=SourceKind.UPLOAD,
        negotiation=negotiation,
        defaults={"name": f"Uploads: {negotiation.title}"[:200], "is_active": False},
    )
    return source


def _upload_suffix(name: str, data: bytes) -> str:
    if data.startswith(PDF_MAGIC):
        return ".pdf"
    suffix = Path(name).suffix.lower()
    return suffix if suffix in {".html", ".htm"} else ".txt"


def _uploads_write_and_queue(files: dict[Path, bytes], item_ids: tuple[int, ...]) -> None:
    from positions.tasks import process_item

    try:
        for path, data in files.items():
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
                partial.write_bytes(data)
                partial.replace(path)  # the worker never sees half a file
    except OSError as exc:
        logger.exception("could not store uploaded files")
        for item in Item.objects.filter(pk__in=item_ids):
            _item_finish(item, state=ItemState.FAILED, stage="upload", error=f"the file could not be stored: {exc}")
        return
    for item_id in item_ids:
        process_item.delay(item_id)


def _items_record(source: Source, run: IngestRun, entries, *, given: Given | None = None) -> tuple[int, ...]:
    said = given.as_json() if given else {}
    with transaction.atomic():
        Item.objects.bulk_create(
            [
                Item(
                    source=source,
                    run=run,
                    key=entry.key[:1000],
                    url=entry.link[:2000],
                    title=entry.title[:500],
                    summary=entry.text,
                    published=entry.published,
                    published_raw=entry.published_raw[:200],
                    given=said,
                )
                for entry in entries
            ],
            ignore_conflicts=True,  # known from an earlier poll, or a concurrent one
        )
        new_ids = tuple(Item.objects.filter(run=run).values_list("pk", flat=True))
        IngestRun.objects.filter(pk=run.pk).update(seen=len(entries), known=len(entries) - len(new_ids))
    return new_ids


def _source_failed(source: Source, run: IngestRun, exc: IngestError) -> None:
    now = timezone.now()
    failures = source.failures_in_row + 1
    backoff = min(timedelta(seconds=source.poll_interval) * 2 ** (failures - 1), MAX_BACKOFF)
    paused = ""
    if failures >= settings.SOURCE_MAX_FAILURES:
        paused = f"paused after {failures} failed polls in a row; last: {exc.message}"
    Source.objects.filter(pk=source.pk).update(
        polling_since=None,
        last_polled_at=now,
        last_error_at=now,
        last_error=f"{exc.stage}: {exc.message}",
        failures_in_row=failures,
        next_poll_at=now + backoff,
        paused_reason=paused,
    )
    IngestRun.objects.filter(pk=run.pk).update(
        finished_at=now,
        errors=[{"url": exc.url or source.url or source.path, "stage": exc.stage, "message": exc.message}],
    )


def item_claim(*, item_id: int) -> Item | None:
    """Take an item for processing; None when it is done or another worker holds it."""
    token = uuid.uuid4()
    claimable = Q(state=ItemState.PENDING) | Q(state=ItemState.PROCESSING, claimed_at__lt=_claim_expired())
    updated = Item.objects.filter(claimable, pk=item_id).update(
        state=ItemState.PROCESSING, claim=token, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not updated:
        return None
    item = Item.objects.select_related("source").get(pk=item_id)
    if item.attempts > settings.INGEST_MAX_ATTEMPTS:
        _item_finish(item, state=ItemState.FAILED, stage="ingest", error=f"gave up after {item.attempts - 1} attempts")
        return None
    return item


def item_release(*, item: Item) -> None:
    """Give a claimed item back (a transient error: it will be tried again)."""
    Item.objects.filter(pk=item.pk, claim=item.claim).update(state=ItemState.PENDING, claim=None, claimed_at=None)


def item_process(*, item_id: int, retry_transient: bool = False) -> str:
    """Process one item to its end state; returns the state, or "retry" for a released item.

    A lost database connection (a restart, a failover, pg_terminate_backend) propagates after the
    item is given back on a fresh connection, so that the task's retry takes it at once instead of
    waiting for the lease to expire."""
    item = item_claim(item_id=item_id)
    if item is None:
        return Item.objects.filter(pk=item_id).values_list("state", flat=True).first() or "missing"
    try:
        return _item_run(item, retry_transient=retry_transient)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:  # the caller's transaction is lost with the connection
            raise
        connection.close_if_unusable_or_obsolete()
        try:
            item_release(item=item)
        except (OperationalError, InterfaceError):
            logger.warning("could not release item %s after a database error; the sweeper will", item.pk)
        raise


def _item_run(item: Item, *, retry_transient: bool) -> str:
    try:
        found = pipeline.entry_text(
            key=item.key, url=item.url, title=item.title, summary=item.summary, published=item.published
        )
    except FetchError as exc:
        if retry_transient and exc.transient and item.attempts < settings.INGEST_MAX_ATTEMPTS:
            item_release(item=item)
            return "retry"
        return _item_finish(item, state=ItemState.FAILED, stage=exc.stage, error=exc.message)
    except IngestError as exc:
        return _item_finish(item, state=ItemState.FAILED, stage=exc.stage, error=exc.message)
    except OSError as exc:
        return _item_finish(item, state=ItemState.FAILED, stage="read", error=str(exc))
    except (SoftTimeLimitExceeded, OperationalError, InterfaceError):
        raise  # slow, or the database: not a bug of the stage; the lease or item_process brings the item back
    except Exception as exc:  # a bug in a stage fails the same way every time: record it, do not retry
        logger.exception("processing item %s failed", item.pk)
        return _item_finish(item, state=ItemState.FAILED, stage="ingest", error=f"unexpected error: {exc!r}")
    if not found.text.text:
        return _item_finish(item, state=ItemState.NO_TEXT, stage="text", error="no article text")
    return _item_store(item, found)


def _item_store(item: Item, found: pipeline.EntryText) -> str:
    # The statement stages run before the item's lock is taken: they are the slow part, and need no row.
    findings, stage, error, over_budget = _findings(item, found)
    with transaction.atomic():
        if not Item.objects.select_for_update().filter(pk=item.pk, claim=item.claim).exists():
            return "lost-claim"  # another worker took over after our claim expired
        document, created = _document_get_or_create(item, found)
        if created:
            _near_duplicate_link(document, found)
            try:
                if findings is not None:
                    with transaction.atomic():
                        statements.document_findings_import(document=document, findings=findings)
            except (OperationalError, InterfaceError):
                raise  # the database, not the extractor: the whole item is retried
            except Exception as exc:  # an importer bug must not lose the document: it can be extracted again
                logger.exception("storing the statements of document %s failed", document.pk)
                stage, error = "statements", f"statement extraction failed: {exc}"[:2000]
        else:
            stage = error = ""
        state = ItemState.DONE if created else ItemState.DUPLICATE
        if created and over_budget:
            state = ItemState.FAILED  # the document stays: a curator may read it, or extract it again
        Item.objects.filter(pk=item.pk).update(state=state, document=document, claim=None, stage=stage, error=error)
    run_refresh(run_id=item.run_id)
    return state


def _findings(item: Item, found: pipeline.EntryText):
    """What the statement stages find in the text the item will store, or None with the stage and error
    that stopped them and whether it was the document's budget (characters, or the task's soft time
    limit) that ran out. A text already stored (a duplicate) is not read again."""
    if Document.objects.filter(content_hash=found.content_hash).exists():
        return None, "", "", False
    length, budget = len(found.text.text), settings.INGEST_MAX_CHARACTERS
    if length > budget:
        error = f"over budget: the text has {length:,} characters, more than the {budget:,} the statement stages read"
        return None, "statements", f"{error} (INGEST_MAX_CHARACTERS); the document is kept without statements", True
    fields = _document_fields(item, found)
    document = DocumentInput(
        text=found.text.text, published=fields["published"], title=fields["title"], publisher=fields["publisher"],
        author=found.text.author,
    )  # fmt: skip
    lexicon = selectors.lexicon_cached(negotiation=item.source.negotiation if item.source_id else None)
    try:
        return pipeline.extract_document(document, lexicon), "", "", False
    except SoftTimeLimitExceeded:
        # The hard limit comes later (CELERY_TASK_TIME_LIMIT): time enough to store the document.
        seconds = settings.INGEST_DOCUMENT_SECONDS
        error = f"over budget: statement extraction ran past the {seconds}-second limit (INGEST_DOCUMENT_SECONDS)"
        return None, "statements", f"{error}; the document is kept without statements", True
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # an extractor bug must not lose the document: it can be extracted again
        logger.exception("extracting statements from item %s failed", item.pk)
        return None, "statements", f"statement extraction failed: {exc}"[:2000], False


def _document_fields(item: Item, found: pipeline.EntryText) -> dict:
    text = found.text
    given = Given.from_json(item.given or {})
    return {
        "title": (given.title or text.title or item.title or item.url or item.key)[:500],
        "publisher": (given.publisher or _publisher(item.source))[:200],
        "published": given.published or text.published,
    }


def _document_get_or_create(item: Item, found: pipeline.EntryText) -> tuple[Document, bool]:
    text = found.text
    given = Given.from_json(item.given or {})
    fields = _document_fields(item, found)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                source=item.source,
                url=found.url[:2000],
                title=fields["title"],
                publisher=fields["publisher"],
                published=fields["published"],
                published_raw=text.published_raw[:200] or item.published_raw,
                date_implausible=text.date_implausible and given.published is None,
                author=text.author[:300],
                language=(text.language or "en")[:10],
                text=text.text,
                content_hash=found.content_hash,
                minhash=list(found.fingerprint.signature) if found.fingerprint else None,
                fetched_at=timezone.now() if found.url else None,
            )
    except IntegrityError:
        return Document.objects.get(content_hash=found.content_hash), False
    return document, True


def _publisher(source: Source) -> str:
    """A curator names a feed or a page after who publishes it; a folder or the uploads names nobody,
    and its name (a path on this machine) must not show on public pages."""
    return "" if source.kind in (SourceKind.FILES, SourceKind.UPLOAD) else source.name


def _near_duplicate_link(document: Document, found: pipeline.EntryText) -> None:
    """Link a re-published copy to the document it copies: indexed band lookups, a bounded check."""
    if found.fingerprint is None:
        return
    bands = found.fingerprint.bands
    candidates = (
        Document.objects.filter(bands__key__in=bands)
        .exclude(pk=document.pk)
        .distinct()
        .order_by("pk")
        .values_list("pk", "minhash", "near_duplicate_of")[:DUPLICATE_CANDIDATES]
    )
    best = None
    for pk, signature, original in candidates:
        score = dedupe.similarity(found.fingerprint.signature, tuple(signature or ()))
        if score >= dedupe.NEAR_DUPLICATE_THRESHOLD and (best is None or score > best[0]):
            best = (score, original or pk)
    if best is not None:
        Document.objects.filter(pk=document.pk).update(near_duplicate_of=best[1])
    DocumentBand.objects.bulk_create(
        [DocumentBand(document=document, band=index, key=key) for index, key in enumerate(bands)]
    )


def _item_finish(item: Item, *, state: str, stage: str, error: str) -> str:
    Item.objects.filter(pk=item.pk).update(state=state, claim=None, stage=stage, error=error[:2000])
    run_refresh(run_id=item.run_id)
    return state


def run_refresh(*, run_id: int | None) -> None:
    """Recount a run from its items (idempotent under races) and close it when nothing is pending."""
    if run_id is None:
        return
    counts = Item.objects.filter(run_id=run_id).aggregate(
        new=Count("pk", filter=Q(state=ItemState.DONE)),
        duplicate=Count("pk", filter=Q(state=ItemState.DUPLICATE)),
        no_text=Count("pk", filter=Q(state=ItemState.NO_TEXT)),
        failed=Count("pk", filter=Q(state=ItemState.FAILED)),
        open=Count("pk", filter=Q(state__in=[ItemState.PENDING, ItemState.PROCESSING])),
    )
    errors = [
        {"url": url or key, "stage": stage, "message": error}
        for url, key, stage, error in Item.objects.filter(run_id=run_id)
        .exclude(error="")
        .order_by("pk")
        .values_list("url", "key", "stage", "error")
    ]
    still_open = counts.pop("open")
    run = IngestRun.objects.filter(pk=run_id)
    run.update(**counts, errors=errors)
    if not still_open:
        run.filter(finished_at__isnull=True).update(finished_at=timezone.now())


def items_stalled(*, older_than: timedelta | None = None, limit: int = 1000) -> list[int]:
    """Items a dead worker left (claimed long ago, or queued long ago and never claimed), marked
    as queued again now: each comes back once per lease, not at every sweep.

    An item still claimed after its lease means its task died (the lease outlasts the task's
    time limit); one that has used all its attempts that way is failed here rather than sent
    again, so a task that kills its worker runs at most INGEST_MAX_ATTEMPTS times."""
    now = timezone.now()
    cutoff = now - (older_than or timedelta(seconds=settings.INGEST_CLAIM_SECONDS))
    with transaction.atomic():
        stalled = Item.objects.select_for_update(skip_locked=True).filter(
            Q(state=ItemState.PROCESSING, claimed_at__lt=cutoff) | Q(state=ItemState.PENDING), queued_at__lt=cutoff
        )
        rows = list(stalled.values_list("pk", "state", "attempts", "run_id")[:limit])
        last_try = settings.INGEST_MAX_ATTEMPTS
        dead = {pk: run for pk, state, attempts, run in rows if state == ItemState.PROCESSING and attempts >= last_try}
        requeue = [pk for pk, *_ in rows if pk not in dead]
        Item.objects.filter(pk__in=dead).update(
            state=ItemState.FAILED,
            claim=None,
            stage="ingest",
            error=f"its task died {settings.INGEST_MAX_ATTEMPTS} times (worker killed, out of memory or time limit)",
        )
        Item.objects.filter(pk__in=requeue).update(queued_at=now)
    for run_id in set(dead.values()):
        run_refresh(run_id=run_id)
    return requeue
