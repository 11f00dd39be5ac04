"""The plain data that flows between the ingest stages: small frozen dataclasses, no ORM."""

from dataclasses import dataclass, field
from datetime import date

MB = 1024 * 1024


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 5.0
    # Time for the response after the connection: headers and the whole body. A server that
    # trickles bytes is abandoned when it runs out, not only when it falls silent.
    read_timeout: float = 15.0
    total_timeout: float = 30.0  # all hops of a redirect chain together
    max_bytes: int = 10 * MB  # on the wire
    max_decompressed: int = 20 * MB  # after gzip/deflate
    max_redirects: int = 5
    # CIDR networks that may be fetched although not global (tests serving on 127.0.0.1).
    allowed_networks: tuple[str, ...] = ()
    user_agent: str = "negotiation-tracker/0.1 (+https://github.com/)"


@dataclass(frozen=True)
class FetchResult:
    url: str  # as asked
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes  # content-decoded, within the limits
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass(frozen=True)
class FeedEntry:
    key: str  # the entry's id, else its canonical link, else a hash of its content; never ""
    link: str  # as given by the feed (checked again before any fetch); "" when none
    title: str
    text: str  # plain text of content or summary, markup removed
    published: date | None
    published_raw: str = ""
    date_implausible: bool = False


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    version: str
    bozo: bool
    bozo_reason: str
    entries: tuple[FeedEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DocumentText:
    title: str
    text: str
    published: date | None = None
    published_raw: str = ""
    date_implausible: bool = False
    # The date was read from the text's dateline, not from metadata: a feed's date comes first.
    date_from_text: bool = False
    author: str = ""
    language: str = ""


@dataclass(frozen=True)
class Fingerprint:
    """A MinHash signature of a text and its LSH band keys, for near-duplicate lookup."""

    signature: tuple[int, ...]
    bands: tuple[int, ...]


class IngestError(Exception):
    """A failure of one stage on one input; `stage` and the message are shown to curators."""

    stage = "ingest"

    def __init__(self, message: str, *, url: str = ""):
        super().__init__(message)
        self.message = message
        self.url = url


class FetchError(IngestError):
    stage = "fetch"
    transient = False  # worth retrying later (timeouts, 5xx, connection resets)


class UrlRefused(FetchError):
    """Scheme not http(s), or an address that is not global (and not allow-listed)."""


class FetchTimeout(FetchError):
    transient = True


class TooLarge(FetchError):
    """The body or its decompressed form passed the cap."""


class HttpStatusError(FetchError):
    def __init__(self, message: str, *, url: str = "", status: int = 0):
        super().__init__(message, url=url)
        self.status = status
        self.transient = status >= 500 or status == 429


class NetworkError(FetchError):
    transient = True


class FeedRejected(IngestError):
    """Not a feed, or a feed refused before parsing (entity declarations, DTD internal subset)."""

    stage = "feed"


class TextError(IngestError):
    stage = "text"
