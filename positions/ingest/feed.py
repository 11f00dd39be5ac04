"""The feed stage: the bytes of a fetched RSS/Atom/RDF feed become plain FeedEntry records."""

import codecs
import contextlib
import hashlib
import io
import re
import time
from collections.abc import Iterable, Iterator
from datetime import date
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml.etree import ParserError
from lxml.html import defs
from lxml_html_clean import Cleaner

from positions.ingest.records import MB, FeedEntry, FeedRejected, ParsedFeed
from positions.ingest.text import EARLIEST_DATE, FUTURE_SLACK, normalize_text

MAX_BODY = 20 * MB

_ENTITY_DECLARATION = re.compile("<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile("<!DOCTYPE", re.IGNORECASE)
# What may follow "<!DOCTYPE" up to its end or its internal subset; possessive, so never backtracks.
_DOCTYPE_BODY = re.compile(r"""(?:[^>\["']++|"[^"]*+"|'[^']*+')*+""")
_XML_ENCODING = re.compile(r"""encoding\s*=\s*["']([^"'<>]{1,64})["']""", re.IGNORECASE)
_EBCDIC_XML_DECLARATION = b"\x4c\x6f\xa7\x94"  # "<?xm" in cp037, which feedparser then decodes
# Codecs in which bytes below 0x80 are ASCII: the latin-1 reading already shows their markup.
_ASCII_READABLE = {"ascii", "latin-1", "iso8859-1", "iso8859-2", "iso8859-15", "utf-8", "cp1252"}

_UNSAFE_LINK_SCHEMES = ("javascript:", "data:", "vbscript:")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these, so "java\tscript:" still runs
_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})(?:-(\d{2}))?")

_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    links=True,
    meta=True,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    page_structure=False,
    kill_tags=["noscript", "template", "title"],
)
_BLOCKS = (defs.block_tags - {"del", "ins"}) | {"article", "aside", "footer", "header", "main", "nav", "section"}
_TAG_LIKE = re.compile(r"<[a-zA-Z/!?]")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


def parse_feed(
    body: bytes, *, headers: dict[str, str] | None = None, base_url: str = "", today: date | None = None
) -> ParsedFeed:
    """Parse one fetched feed body, given with its HTTP headers and URL.

    Raises FeedRejected for bodies over 20 MB, entity declarations, DOCTYPEs with an internal
    subset, documents that are not feeds and anything feedparser chokes on; nothing else escapes."""
    if not isinstance(body, bytes):
        raise TypeError(f"parse_feed takes the body as bytes, not {type(body).__name__}")
    if len(body) > MAX_BODY:
        raise FeedRejected(f"feed of {len(body)} bytes is over the {MAX_BODY} byte limit", url=base_url)
    headers = {name.lower(): value for name, value in (headers or {}).items()}
    _refuse_declarations(body, headers=headers, url=base_url)
    try:
        # A file object, never the bytes themselves: feedparser calls open() on bytes (and str),
        # so a body reading b"/dev/zero" or b"/etc/passwd" would be read from the local disk.
        result = feedparser.parse(io.BytesIO(body), response_headers=headers)
        version = result.get("version") or ""
        raw_entries = result.get("entries") or []
        # Not bozo: a sitemap is well-formed and not a feed, a feed with a stray "&" is bozo.
        if not version and not raw_entries:
            if _holds_no_element(body):  # nothing but comments: an empty feed, not a wrong one
                return ParsedFeed(title="", version="", bozo=True, bozo_reason="empty document")
            raise FeedRejected(f"not a feed: {_what_it_is(body)}", url=base_url)
        today = today or date.today()
        entries = _unique(_entry(raw, base_url=base_url, today=today) for raw in raw_entries)
        feed = result.get("feed") or {}
        exception = result.get("bozo_exception")
        return ParsedFeed(
            title=_one_line(feed.get("title_detail"), fallback=feed.get("title")),
            version=version,
            bozo=bool(result.get("bozo")),
            bozo_reason=normalize_text(f"{type(exception).__name__}: {exception}") if exception else "",
            entries=tuple(entries),
        )
    except FeedRejected:
        raise
    except Exception as exc:
        raise FeedRejected(f"could not parse: {type(exc).__name__}: {exc}", url=base_url) from exc


def _refuse_declarations(body: bytes, *, headers: dict[str, str], url: str) -> None:
    """Refuse entity declarations and internal DTD subsets before any parser sees the body:
    feedparser's loose fallback parser expands internal entities without limit."""
    for text in _readings(body, headers=headers):
        if _ENTITY_DECLARATION.search(text):
            raise FeedRejected("refused: the document declares XML entities (<!ENTITY)", url=url)
        if _has_internal_subset(text):
            raise FeedRejected("refused: the document has a DOCTYPE with an internal subset", url=url)


def _readings(body: bytes, *, headers: dict[str, str]) -> Iterator[str]:
    """The body decoded in each encoding feedparser might pick for it (byte-order mark, zero-byte
    pattern, HTTP charset, XML declaration), errors ignored: for scanning only."""
    latin1 = body.decode("latin-1")
    yield latin1
    heads = [latin1[:1024]]
    wide = []
    if b"\x00" in body:  # ASCII in UTF-16 or UTF-32, with or without a byte-order mark
        wide += ["utf-16-le", "utf-16-be"]
        if b"\x00\x00\x00" in body:  # only then: reading UTF-16 as UTF-32 is slow
            wide += ["utf-32-le", "utf-32-be"]
    for encoding in wide:
        reading = body.decode(encoding, errors="ignore")
        heads.append(reading[:1024])
        yield reading
    labels = [value for key, value in _content_type_params(headers.get("content-type", "")) if key == "charset"]
    labels += [label for head in heads for label in _XML_ENCODING.findall(head)]
    if body.startswith(_EBCDIC_XML_DECLARATION):
        labels.append("cp037")
    seen = _ASCII_READABLE | {codecs.lookup(encoding).name for encoding in wide}
    for label in labels:
        try:
            name = codecs.lookup(label.strip()).name
        except LookupError:
            continue  # feedparser cannot decode with it either
        if name in seen:
            continue
        seen.add(name)
        # utf-7, cp037, unicode_escape and others spell "<!ENTITY" with other bytes.
        for errors in ("ignore", "strict"):
            try:
                yield body.decode(name, errors=errors)
                break
            except (LookupError, UnicodeError, ValueError, TypeError):
                continue


def _content_type_params(content_type: str) -> list[tuple[str, str]]:
    # Read as feedparser.encodings.parse_content_type reads it, so both find the same charset.
    params = []
    for chunk in content_type.split(";")[1:]:
        key, _, value = chunk.partition("=")
        params.append((key.strip().lower(), value.strip().strip("\"'")))
    return params


def _has_internal_subset(text: str) -> bool:
    """A "[" inside a <!DOCTYPE …>, read both as SGML does (up to the first ">") and as XML does
    (quoted literals may hold ">"). Linear in the text, however many DOCTYPEs it holds."""
    next_gt = next_bracket = resume = -1
    for match in _DOCTYPE.finditer(text):
        start = match.end()
        if next_gt < start:
            next_gt = _find(text, ">", start)
        if next_bracket < start:
            next_bracket = _find(text, "[", start)
        if next_bracket < next_gt:
            return True
        if start > resume:  # else it sits inside the literals of the previous one
            resume = _DOCTYPE_BODY.match(text, start).end()
            if text.startswith("[", resume):
                return True
    return False


def _find(text: str, char: str, start: int) -> int:
    found = text.find(char, start)
    return len(text) if found == -1 else found


_MARKUP_WITHOUT_ELEMENTS = re.compile(r"<!--.*?-->|<\?.*?\?>", re.DOTALL)


def _holds_no_element(body: bytes) -> bool:
    text = _MARKUP_WITHOUT_ELEMENTS.sub("", body[:MAX_BODY].decode("latin-1"))
    return "<" not in text and not text.strip("\ufeff\xef\xbb\xbf \t\r\n")


def _what_it_is(body: bytes) -> str:
    head = body[:2048].lstrip().lower()
    if not head:
        return "the document is empty"
    if body.startswith(b"\x1f\x8b"):
        return "gzip-compressed bytes"
    if head.startswith((b"{", b"[")):
        return "JSON (JSON Feed is not supported)"
    if b"<html" in head or b"<!doctype html" in head:
        return "an HTML page"
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "a sitemap"
    return "no RSS, Atom or RDF root element and no entries"


def _entry(raw: dict, *, base_url: str, today: date) -> tuple[FeedEntry, time.struct_time | None]:
    title = _one_line(raw.get("title_detail"), fallback=raw.get("title"))
    text = _entry_text(raw)
    link = _safe_link(raw.get("link") or "", base_url=base_url)
    key = normalize_text(raw.get("id") or "").strip() or link
    if not key:
        key = "sha256:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    published, published_raw, implausible = _entry_date(raw, today=today)
    entry = FeedEntry(
        key=key,
        link=link,
        title=title,
        text=text,
        published=published,
        published_raw=published_raw,
        date_implausible=implausible,
    )
    # dict.get: FeedParserDict answers "updated_parsed" with published_parsed, and a warning.
    return entry, dict.get(raw, "updated_parsed") or dict.get(raw, "published_parsed")


def _unique(candidates: Iterable[tuple[FeedEntry, time.struct_time | None]]) -> list[FeedEntry]:
    """One entry per key: the latest updated wins, the first on a tie or without dates.
    The winner takes the place where its key first appeared."""
    kept: dict[str, tuple[FeedEntry, tuple[int, ...]]] = {}
    for entry, updated in candidates:
        rank = tuple(updated[:6]) if updated else ()
        if entry.key not in kept or rank > kept[entry.key][1]:
            kept[entry.key] = (entry, rank)
    return [entry for entry, _ in kept.values()]


def _entry_text(raw: dict) -> str:
    for detail in [*(raw.get("content") or [])[:1], raw.get("summary_detail")]:
        if detail and (detail.get("value") or "").strip():
            return _detail_to_text(detail)
    return _html_to_text(raw.get("summary") or "")


def _detail_to_text(detail: dict) -> str:
    value = detail.get("value") or ""
    # Feeds label HTML as plain text often enough: whatever looks like a tag goes through the cleaner.
    if detail.get("type") == "text/plain" and not _TAG_LIKE.search(value):
        return _collapse(normalize_text(value))
    return _html_to_text(value)


def _one_line(detail: dict | None, *, fallback: str | None = None) -> str:
    text = _detail_to_text(detail) if detail else _html_to_text(fallback or "")
    return " ".join(text.split())


def _html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, one paragraph per block. feedparser has sanitised it
    already; the cleaner is the second line, and drops script and style text outright."""
    html = normalize_text(html)  # lxml refuses control characters
    if not html.strip():
        return ""
    if "<" not in html and "&" not in html:
        return _collapse(html)
    try:
        root = _CLEANER.clean_html(lxml.html.document_fromstring(html))
    except (ParserError, ValueError):
        return ""
    for node in root.iter():
        # Source line breaks mean nothing in HTML; the breaks that matter are added below.
        if node.text:
            node.text = _SPACES.sub(" ", node.text)
        if node.tail:
            node.tail = _SPACES.sub(" ", node.tail)
    for node in root.iter(*_BLOCKS, "br"):
        if node.tag == "br":
            node.tail = "\n" + (node.tail or "")
        else:
            node.text = "\n\n" + (node.text or "")
            node.tail = "\n\n" + (node.tail or "")
    return normalize_text(_collapse(root.text_content()))


def _collapse(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _safe_link(link: str, *, base_url: str) -> str:
    link = normalize_text(link).strip()
    if link and base_url:
        with contextlib.suppress(ValueError):  # "http://[::1" and the like: the fetcher refuses them
            link = urljoin(base_url, link)
    if _URL_NOISE.sub("", link).lower().startswith(_UNSAFE_LINK_SCHEMES):
        return ""
    return link


def _entry_date(raw: dict, *, today: date) -> tuple[date | None, str, bool]:
    """(published, the raw string, implausible?): published else updated; None when neither
    parses, or when the date is before 1990 or more than two days ahead."""
    for name in ("published", "updated"):
        parsed = dict.get(raw, f"{name}_parsed")
        published_raw = normalize_text(dict.get(raw, name) or "")
        if not parsed or not _names_a_real_day(published_raw):
            continue
        try:
            value = date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
        except (ValueError, TypeError, AttributeError):
            continue
        if value < EARLIEST_DATE or value > today + FUTURE_SLACK:
            return None, published_raw, True
        return value, published_raw, False
    return None, normalize_text(dict.get(raw, "published") or dict.get(raw, "updated") or ""), False


def _names_a_real_day(raw: str) -> bool:
    # feedparser rolls an impossible ISO date over ("2003-06-31" becomes 1 July) instead of failing.
    match = _ISO_DAY.match(raw)
    if not match:
        return True
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
