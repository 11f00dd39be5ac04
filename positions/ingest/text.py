"""The text stage: bytes of a page or a file become normalized plain text and page metadata."""

import codecs
import re
import unicodedata
import zlib
from dataclasses import replace
from datetime import date, timedelta

import charset_normalizer
import trafilatura

from positions.ingest.head import read_head
from positions.ingest.pdf import PDF_MAGIC, pdf_text
from positions.ingest.records import MB, DocumentText, TextError

MAX_BODY = 20 * MB
EARLIEST_DATE = date(1990, 1, 1)
FUTURE_SLACK = timedelta(days=2)  # time zones and servers with fast clocks

# Cc except \t and \n (\r is turned into \n first), lone surrogates and the two noncharacters.
# Surrogates are not in the brief's list, but no UTF-8 encoder (nor PostgreSQL) accepts them.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]+)""", re.IGNORECASE)
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)""", re.IGNORECASE)
_LOOKS_LIKE_HTML = re.compile(
    r"<(?:!doctype\s+html|html|head|body|title|meta|p|div|article|section|main|h[1-6]|table|br|script)[\s/>]",
    re.IGNORECASE,
)
# Browsers read these labels as windows-1252, and servers mean it: 0x80-0x9F are quotes and dashes.
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "gb2312": "gb18030"}
_GZIP_MAGIC = b"\x1f\x8b"
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# What binary files begin with: a file that starts so is refused whatever its name says.
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (or a Word, Excel or OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x7fELF", "an ELF executable"),
)
# Text read in its right encoding has no replacement characters; decoded binary is full of them.
MAX_REPLACEMENT_SHARE = 0.01


def normalize_text(text: str) -> str:
    """NFC, \\n line ends, no control characters but \\n and \\t, no trailing whitespace: text that
    PostgreSQL stores as given. Nothing else changes, so clean text comes back equal to itself."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Remove before composing: a removed character may sit between a letter and its accent.
    text = _UNWANTED.sub("", text)
    return unicodedata.normalize("NFC", text).rstrip()


def extract_text(body: bytes, *, url: str = "", content_type: str = "", today: date | None = None) -> DocumentText:
    """The article text and metadata of a fetched page; a plain-text body comes back as it is.

    No article found gives text "", for the caller to record; only a body over 20 MB raises."""
    body = _checked_body(body, url=url)
    mime = content_type.split(";", 1)[0].strip().lower()
    html = _decode(body, declared=_header_charset(content_type), html=True)
    today = today or date.today()
    if mime == "text/plain" or ("html" not in mime and not _LOOKS_LIKE_HTML.search(html[:4096])):
        return _from_plain_text(normalize_text(html), today=today)
    return _from_html(normalize_text(html), url=url, today=today)


def binary_kind(data: bytes) -> str:
    """What binary a file's bytes are ("a PNG image", "binary data: NUL bytes"), or "" when they may be text.
    Cheap enough for a web request: a look at the first bytes and one scan for NUL."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    # UTF-16 text is full of NUL bytes, and says so with its byte-order mark.
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary data (it holds NUL bytes)"
    return ""


def text_from_file(
    data: bytes, *, name: str, today: date | None = None, max_pages: int = 500, max_characters: int = MAX_BODY
) -> DocumentText:
    """A file: a PDF is read as a PDF (whatever its name), HTML goes through the page extractor, other
    text is read as plain text; binary files raise TextError. The caps bound what a PDF gives."""
    data = _checked_body(data, url=name)
    if data.startswith(PDF_MAGIC):
        found = pdf_text(data, name=name, max_pages=max_pages, max_characters=max_characters)
        head = _from_plain_text(normalize_text(found.text), today=today or date.today())
        return replace(head, title=found.title or head.title)
    kind = binary_kind(data)
    if kind:
        raise TextError(f"{name} is {kind}, not text: only text, HTML and PDF files are read", url=name)
    if name.lower().endswith((".html", ".htm")):
        return extract_text(data, content_type="text/html", today=today)
    text = _decode(data, declared="", html=False)
    replaced = text.count("\ufffd")
    if replaced > MAX_REPLACEMENT_SHARE * len(text):
        share = f"{replaced / len(text):.0%}"
        raise TextError(f"{name} is not text: {share} of it is unreadable (replacement characters)", url=name)
    return _from_plain_text(normalize_text(text), today=today or date.today())


def _from_plain_text(text: str, *, today: date) -> DocumentText:
    """Plain text has no metadata: its headline and date are read from its first lines."""
    head = read_head(text, earliest=EARLIEST_DATE, latest=today + FUTURE_SLACK)
    return DocumentText(
        title=head.title,
        text=text,
        published=head.published,
        published_raw=head.published_raw,
        date_from_text=head.published is not None,
    )


def _checked_body(body: bytes, *, url: str) -> bytes:
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError(f"the text stage takes bytes, not {type(body).__name__}")
    body = bytes(body)
    if len(body) > MAX_BODY:
        raise TextError(f"body of {len(body)} bytes is over the {MAX_BODY} byte limit", url=url)
    if body.startswith(_GZIP_MAGIC):
        # A gzip file served without Content-Encoding: open one layer, under the same cap.
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(body, MAX_BODY + 1)
        except zlib.error:
            return body
        if len(body) > MAX_BODY or inflater.unconsumed_tail:
            raise TextError(f"body is over the {MAX_BODY} byte limit once decompressed", url=url)
    return body


def _header_charset(content_type: str) -> str:
    match = _CHARSET.search(content_type)
    return match.group(1) if match else ""


def _decode(body: bytes, *, declared: str, html: bool) -> str:
    """bytes -> str, never raising. A byte-order mark wins, then the declared charsets in order
    (HTTP header, then <meta>), then detection. A candidate that fails only on a stray byte or two
    is kept with replacement characters rather than re-reading the whole page in a guessed charset."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    candidates = [declared] if declared else []
    if html:
        candidates += [m.group(1).decode("ascii") for m in _META_CHARSET.finditer(body[:16384])]
    else:
        candidates.append("utf-8")
    tolerated = max(2, len(body) // 5000) if html else 0
    for label in candidates:
        encoding = _codec(label)
        if encoding is None:
            continue
        text = body.decode(encoding, errors="replace")
        if text.count("\ufffd") - body.count("\ufffd".encode()) <= tolerated:
            return text
    best = charset_normalizer.from_bytes(body).best()
    if best is not None and best.encoding:
        return str(best)
    encoding = next(filter(None, map(_codec, candidates)), "utf-8")
    return body.decode(encoding, errors="replace")


def _codec(label: str) -> str | None:
    """A Python text codec for a charset label, or None for unknown labels and non-text codecs."""
    label = label.strip().lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        # bytes.decode refuses what is not a text encoding ("rot13", "base64"), as it should.
        b"".decode(label)
    except LookupError:
        return None
    return codecs.lookup(label).name


def _from_html(html: str, *, url: str, today: date) -> DocumentText:
    # htmldate reads the page's markup (meta tags, JSON-LD, <time>, date classes, the URL); its
    # extensive search over the whole text is off: it takes a year anywhere in a sentence ("in 2009")
    # for 1 January of that year. A page with no date in its markup gets its dateline read instead.
    date_config = {"original_date": True, "extensive_search": False, "max_date": (today + FUTURE_SLACK).isoformat()}
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            # Precision keeps navigation and teasers out, which the statement extractor would
            # otherwise quote; on the sample pages it loses no article text.
            favor_precision=True,
            date_extraction_params=date_config,
        )
        text = document.text if document is not None else ""
        if document is None:
            # No article, but the curator still sees the page's title and date.
            document = trafilatura.extract_metadata(html, default_url=url or None, date_config=date_config)
    except Exception:
        # Hostile markup can trip any parser: "no article text" is an outcome the caller records,
        # and one odd page must not stop the run.
        document, text = None, ""
    lang = _HTML_LANG.search(html[:16384])
    language = (getattr(document, "language", None) or (lang.group(1) if lang else "")).lower()
    if document is None:
        return DocumentText(title="", text="", language=language)
    published, raw, implausible = _page_date(document.date or "", today=today)
    text = normalize_text(text or "")
    from_text = False
    if published is None and not raw and text:
        head = read_head(text, earliest=EARLIEST_DATE, latest=today + FUTURE_SLACK)
        published, raw, from_text = head.published, head.published_raw, head.published is not None
    return DocumentText(
        title=_one_line(document.title),
        text=text,
        published=published,
        published_raw=raw,
        date_implausible=implausible,
        date_from_text=from_text,
        author=_one_line(document.author),
        language=language,
    )


def _page_date(raw: str, *, today: date) -> tuple[date | None, str, bool]:
    raw = normalize_text(raw)
    try:
        value = date.fromisoformat(raw[:10])
    except ValueError:
        return None, raw, False
    if value < EARLIEST_DATE or value > today + FUTURE_SLACK:
        return None, raw, True
    return value, raw, False


def _one_line(value: str | None) -> str:
    return " ".join(normalize_text(value or "").split())
