"""The ingest flow, stage by stage, on plain data (the services store what it returns):

list a source ─▶ fetch (guarded) ─▶ parse feed ─▶ entries
entry ─▶ fetch page (guarded) ─▶ extract text ─▶ canonical URL, hash, fingerprint ─▶ stored Document
Document ─▶ layout, spans and sources ─▶ speaker, party ─▶ date said ─▶ relevance, topics, kind
         ─▶ proposal, suggested stances and statuses, relations between proposals, new actors
           (`extract_document` returns frozen findings; services/statements.py imports them)
stored Document, new date ─▶ the date each statement was said (`statements_dated`, for re-dating)
a target date as said, the day said ─▶ the day it is due (`deadline_read`)

The services reach the statement stages only through this module: the findings' types are named here.
"""

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from django.conf import settings

from positions.ingest import dedupe
from positions.ingest.feed import parse_feed
from positions.ingest.fetch import fetch
from positions.ingest.records import DocumentText, FeedEntry, FetchLimits, Fingerprint, IngestError, TextError
from positions.ingest.text import extract_text, normalize_text, text_from_file
from positions.statements.dates import DateIndex
from positions.statements.deadlines import Due, due_from_phrase
from positions.statements.extract import extract
from positions.statements.link import ProposalIndex, link, puts_forward, suggests_new
from positions.statements.people import new_actor
from positions.statements.records import (
    EXTRACTOR_VERSION,
    DateSaid,
    DocumentInput,
    Findings,
    Found,
    Lexicon,
    NewActor,
    RelationSuggestion,
    StanceSuggestion,
    StatementFinding,
)
from positions.statements.relations import relations
from positions.statements.topics import choose_negotiation

FILE_PREFIX = "file:"
FILE_SUFFIXES = {".txt", ".text", ".html", ".htm", ".pdf"}


def fetch_limits() -> FetchLimits:
    return FetchLimits(
        connect_timeout=settings.FETCH_CONNECT_TIMEOUT,
        read_timeout=settings.FETCH_READ_TIMEOUT,
        total_timeout=settings.FETCH_TOTAL_TIMEOUT,
        max_bytes=settings.FETCH_MAX_BYTES,
        max_decompressed=settings.FETCH_MAX_DECOMPRESSED,
        allowed_networks=tuple(settings.FETCH_ALLOWED_NETWORKS),
    )


@dataclass(frozen=True)
class SourceSpec:
    kind: str
    url: str = ""
    path: str = ""
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class Listing:
    entries: tuple[FeedEntry, ...] = ()
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    title: str = ""


@dataclass(frozen=True)
class EntryText:
    """What an entry becomes before it is stored: its text, where it was found, its fingerprint."""

    text: DocumentText
    url: str
    content_hash: str
    fingerprint: Fingerprint | None


def list_source(spec: SourceSpec) -> Listing:
    """The entries a source offers now. Raises IngestError (fetch, feed) on failure."""
    if spec.kind == "feed":
        result = fetch(spec.url, limits=fetch_limits(), etag=spec.etag, last_modified=spec.last_modified)
        if result.not_modified:
            return Listing(not_modified=True, etag=spec.etag, last_modified=spec.last_modified)
        feed = parse_feed(result.body, headers=result.headers, base_url=result.final_url)
        return Listing(feed.entries, etag=result.etag, last_modified=result.last_modified, title=feed.title)
    if spec.kind == "page":
        key = dedupe.canonical_url(spec.url) or spec.url
        return Listing((FeedEntry(key=key, link=spec.url, title="", text="", published=None),))
    if spec.kind == "files":
        return Listing(tuple(file_entry(path) for path in _files_under(Path(spec.path))))
    raise IngestError(f"a {spec.kind} source is not polled")


def _files_under(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FILE_SUFFIXES)
    raise IngestError(f"no such file or folder: {path}")


def file_entry(path: Path, *, title: str = "") -> FeedEntry:
    """A file to read. Its title here is the last resort, after the headline its text gives."""
    return FeedEntry(key=FILE_PREFIX + str(path.resolve()), link="", title=title or path.stem, text="", published=None)


def entry_text(*, key: str, url: str, title: str, summary: str, published: date | None) -> EntryText:
    """Fetch and read one entry: its page when it has a link, its file, else what the feed said.

    A link that is refused or fails raises, so the entry's error is recorded; a page with no
    article text falls back to the feed's own text for the entry.
    """
    if key.startswith(FILE_PREFIX):
        path = Path(key.removeprefix(FILE_PREFIX))
        if path.stat().st_size > settings.FETCH_MAX_DECOMPRESSED:
            raise TextError(f"{path.name} is larger than the {settings.FETCH_MAX_DECOMPRESSED} byte cap")
        found = text_from_file(
            path.read_bytes(),
            name=path.name,
            max_pages=settings.PDF_MAX_PAGES,
            max_characters=settings.FETCH_MAX_DECOMPRESSED,
        )
        found = replace(found, title=found.title or title)
        url = ""
    elif url:
        result = fetch(url, limits=fetch_limits())
        found = extract_text(result.body, url=result.final_url, content_type=result.content_type)
        url = dedupe.canonical_url(result.final_url) or result.final_url
        if not found.text and summary:
            found = replace(found, text=summary)
        found = replace(found, title=found.title or title)
    else:
        found = DocumentText(title=title, text=summary)
    # The page's markup first, then the feed's date, then a dateline read from the text; a page whose
    # own date is implausible keeps none, for a curator to look at.
    if published is not None and not found.date_implausible and (found.published is None or found.date_from_text):
        found = replace(found, published=published, published_raw="", date_from_text=False)
    text = normalize_text(found.text)
    return EntryText(
        text=replace(found, text=text),
        url=url,
        content_hash=dedupe.content_hash(text) if text else "",
        fingerprint=dedupe.fingerprint(text) if text else None,
    )


def extract_document(document: DocumentInput, lexicon: Lexicon) -> Findings:
    """The statements of a document, attributed, dated and classified, with what each suggests: the
    proposal it bears on, stances, a proposal tabled, relations it states between two proposals, a speaker
    to enter (no database, no network)."""
    index = ProposalIndex(lexicon.proposals)
    entries = {p.key: p for p in lexicon.proposals}
    out = []
    for found in extract(document, lexicon):
        # A known actor's post, or a party itself: a new person's suggested post is not yet anyone's word.
        speaks = found.speaker.speaks_for and not found.speaker.is_new
        proposal, stances = link(found, index, speaks_for_party=speaks)
        tabled = proposal if puts_forward(found, entries.get(proposal), speaks_for_party=speaks) else ""
        out.append(
            StatementFinding(
                statement=found,
                proposal=proposal,
                proposes_new=suggests_new(found, proposal, speaks_for_party=speaks),
                stances=tuple(stances),
                tabled=tabled,
                new_actor=new_actor(found),
                relations=tuple(relations(found, index)),
            )
        )
    return Findings(
        statements=tuple(out), negotiation=choose_negotiation(document.text, document.title, lexicon.topics)
    )


def statements_dated(text: str, published: date, spans: list[tuple[int, int, bool]]) -> list[DateSaid | None]:
    """The date each (start, end, is_turn) statement of a stored text was said, read again against a new
    publication date as extraction reads it: a turn is said the day of its transcript; anything else is
    dated by its own words within its turn (or the text), None where they give no date."""
    index = DateIndex(text, published)
    turns = [(start, end) for start, end, is_turn in spans if is_turn]
    dates = []
    for start, end, is_turn in spans:
        if is_turn:
            dates.append(DateSaid(published, "day"))
        else:
            within = max((lo for lo, hi in turns if lo <= start < hi), default=0)
            dates.append(index.said(start, end, within))
    return dates


# What the services use of the statement stages' records.
__all__ = [
    "EXTRACTOR_VERSION",
    "DateSaid",
    "DocumentInput",
    "Due",
    "Findings",
    "Found",
    "Lexicon",
    "NewActor",
    "RelationSuggestion",
    "StanceSuggestion",
    "StatementFinding",
    "deadline_read",
    "entry_text",
    "extract_document",
    "fetch_limits",
    "file_entry",
    "list_source",
    "statements_dated",
]


def deadline_read(*, phrase: str, said_on: date, events: dict[str, date] | None = None) -> Due | None:
    """The day a target date as said ("by 2020", "within six months") is due, read from the day said;
    None when the phrase names no date the record can know (a curator enters it)."""
    return due_from_phrase(phrase, said_on=said_on, events=events)
