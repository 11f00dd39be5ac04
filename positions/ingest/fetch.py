"""The fetch stage: the only code that opens network connections, every URL and every byte guarded."""

import ipaddress
import socket
import ssl
import string
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from http.client import HTTPException
from typing import Any, Protocol
from urllib.parse import quote, urljoin, urlsplit

import certifi
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util.ssl_match_hostname import CertificateError

from positions.ingest.records import (
    MB,
    FetchError,
    FetchLimits,
    FetchResult,
    FetchTimeout,
    HttpStatusError,
    NetworkError,
    TooLarge,
    UrlRefused,
)

Resolver = Callable[..., Sequence[tuple[Any, ...]]]
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = {"http": 80, "https": 443}
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
GZIP_MAGIC = b"\x1f\x8b"
READ_CHUNK = 64 * 1024
INFLATE_STEP = 256 * 1024  # output of one zlib call: memory stays near the cap, not cap + a bomb's burst
# Characters kept as they are when a request target is re-quoted: everything printable in ASCII,
# so existing %-escapes survive and only non-ASCII is encoded.
TARGET_SAFE = string.punctuation
# NAT64: these IPv6 addresses carry, in their last 32 bits, the IPv4 address the packets end up at.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def check_url(url: str, *, limits: FetchLimits, resolver: Resolver = socket.getaddrinfo) -> tuple[str, int, list[str]]:
    """Validate one URL without connecting: returns (host, port, checked_ip_addresses) or raises UrlRefused."""
    url = url.strip()
    _scheme, host, port = _split(url)
    allowed = [network for network, only in _allowed_networks(limits, url=url) if only in (None, port)]
    addresses = _resolve(url, host=host, port=port, resolver=resolver)
    for address in addresses:
        if not _permitted(address, allowed):
            shown = host if host == str(address) else f"{host} resolves to {address}, which"
            raise UrlRefused(f"refused: {shown} is not a public address", url=url)
    return host, port, [str(address) for address in addresses]


def fetch(
    url: str,
    *,
    limits: FetchLimits,
    etag: str = "",
    last_modified: str = "",
    resolver: Resolver = socket.getaddrinfo,
) -> FetchResult:
    """GET with every guard; raises a FetchError subclass on any refusal or failure."""
    deadline = time.monotonic() + limits.total_timeout
    current = url.strip()
    conditions = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    for redirects in range(limits.max_redirects + 1):
        host, port, addresses = check_url(current, limits=limits, resolver=resolver)
        headers = _request_headers(current, host=host, port=port, limits=limits, conditions=conditions)
        hop = _exchange(
            current, host=host, port=port, addresses=addresses, headers=headers, limits=limits, deadline=deadline
        )
        with hop as (response, watchdog):
            status = response.status
            answered = {name.lower(): response.headers[name] for name in response.headers}
            if status in REDIRECTS:
                location = answered.get("location", "").strip()
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location header", url=current)
                if redirects == limits.max_redirects:
                    raise FetchError(
                        f"too many redirects: no more than {limits.max_redirects} redirects are followed", url=url
                    )
                current = urljoin(current, location)
                continue
            if status == 304:
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=status,
                    headers=answered,
                    body=b"",
                    not_modified=True,
                    etag=answered.get("etag", etag),
                    last_modified=answered.get("last-modified", last_modified),
                )
            if not 200 <= status < 300:
                reason = f"HTTP {status} {response.reason or ''}".strip()
                raise HttpStatusError(f"the server answered {reason}", url=current, status=status)
            body = _read_body(response, url=current, limits=limits, watchdog=watchdog)
        return FetchResult(
            url=url,
            final_url=current,
            status=status,
            headers=answered,
            body=body,
            etag=answered.get("etag", ""),
            last_modified=answered.get("last-modified", ""),
        )
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def post(
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    limits: FetchLimits,
    resolver: Resolver = socket.getaddrinfo,
) -> FetchResult:
    """POST `body` with the same guards as `fetch` (checked address, timeouts, deadline); answers whatever
    status the server gave, with at most `limits.max_bytes` of its body (the rest is left unread, not an
    error). Redirects are not followed: a POST that moves is the receiver's mistake, and a Location
    could point anywhere. Raises a FetchError subclass on a refusal or a network failure."""
    deadline = time.monotonic() + limits.total_timeout
    url = url.strip()
    host, port, addresses = check_url(url, limits=limits, resolver=resolver)
    sent = _request_headers(url, host=host, port=port, limits=limits, conditions=headers)
    sent |= {"Accept-Encoding": "identity", "Content-Length": str(len(body))}
    hop = _exchange(
        url,
        host=host,
        port=port,
        addresses=addresses,
        headers=sent,
        limits=limits,
        deadline=deadline,
        method="POST",
        body=body,
    )
    with hop as (response, watchdog):
        answered = {name.lower(): response.headers[name] for name in response.headers}
        excerpt = _read_excerpt(response, cap=limits.max_bytes, watchdog=watchdog, url=url)
    return FetchResult(url=url, final_url=url, status=response.status, headers=answered, body=excerpt)


# --- checking a URL ---------------------------------------------------------------------------


def _split(url: str) -> tuple[str, str, int]:
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        raise UrlRefused("refused: the URL contains spaces or control characters", url=url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(f"refused: malformed URL ({exc})", url=url) from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"{scheme}:" if scheme else "a URL without a scheme"
        raise UrlRefused(f"refused: only http and https URLs are fetched, not {shown}", url=url)
    # urlsplit takes the part after the last "@" as the host; a browser or proxy might not agree,
    # and credentials have no business in a feed link anyway.
    if "@" in parts.netloc:
        raise UrlRefused("refused: the URL carries a user name or password (user:pass@)", url=url)
    if "\\" in parts.netloc:
        raise UrlRefused("refused: backslash in the host part of the URL", url=url)
    host = (parts.hostname or "").split("%", 1)[0].strip()  # an IPv6 zone id names a local interface
    if not host:
        raise UrlRefused("refused: the URL has no host", url=url)
    if port is None:
        port = SCHEMES[scheme]
    if not 1 <= port <= 65535:
        raise UrlRefused(f"refused: port {port} is outside 1..65535", url=url)
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise UrlRefused(f"refused: {host} is not a valid host name", url=url) from exc
    return scheme, host, port


def _allowed_networks(limits: FetchLimits, *, url: str) -> list[tuple[IpNetwork, int | None]]:
    """The allow-list's networks, each with the one port it opens or None for any: `10.0.0.0/8`,
    `127.0.0.1/32:8123`, `[::1/128]:8123`."""
    try:
        return [_allowed_entry(entry) for entry in limits.allowed_networks]
    except ValueError as exc:
        raise UrlRefused(f"refused: allowed_networks holds a bad network ({exc})", url=url) from exc


def _allowed_entry(entry: str) -> tuple[IpNetwork, int | None]:
    entry = entry.strip()
    if entry.startswith("["):
        network, _, rest = entry[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise ValueError(f"{entry!r}: write an IPv6 network with a port as [::1/128]:8123")
        port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        network, port = entry.split(":")
    else:
        network, port = entry, ""
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(f"{entry!r}: the port must be a number from 1 to 65535")
    return ipaddress.ip_network(network, strict=False), int(port) if port else None


def _resolve(url: str, *, host: str, port: int, resolver: Resolver) -> list[IpAddress]:
    try:
        answers = resolver(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UrlRefused(f"refused: cannot resolve {host} ({exc})", url=url) from exc
    addresses: list[IpAddress] = []
    for family, *_rest, sockaddr in answers:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        try:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        except ValueError as exc:
            raise UrlRefused(f"refused: {host} resolves to a bad address ({exc})", url=url) from exc
        # The mapped IPv4 address is where the packets go: check it, and connect to it.
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UrlRefused(f"refused: cannot resolve {host} (no address)", url=url)
    return addresses


def _permitted(address: IpAddress, allowed: list[IpNetwork]) -> bool:
    # ip_network.__contains__ does not compare versions, so an IPv4 address could match an IPv6 net.
    if any(address.version == network.version and address in network for network in allowed):
        return True
    if not _is_public(address):
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.sixtofour or (ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in NAT64 else None)
        if embedded is not None and not _is_public(embedded):
            return False
    return True


# Not globally reachable per IANA's special-purpose registries, though the ipaddress module of some
# Python releases calls them global (found by tests/test_properties.py): 192.0.0.0/24 (its two anycast
# exceptions are no place for a feed), the 6to4 relay anycast, NAT64's local-use prefix and the IPv6
# documentation prefix of 2024.
NOT_GLOBAL = tuple(
    ipaddress.ip_network(net) for net in ("192.0.0.0/24", "192.88.99.0/24", "64:ff9b:1::/48", "3fff::/20")
)


def _is_public(address: IpAddress) -> bool:
    if any(address.version == net.version and address in net for net in NOT_GLOBAL):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )


# --- one request and its response ------------------------------------------------------------


def _request_headers(
    url: str, *, host: str, port: int, limits: FetchLimits, conditions: dict[str, str]
) -> dict[str, str]:
    scheme = urlsplit(url).scheme.lower()
    shown_host = f"[{host}]" if ":" in host else host
    headers = {
        "Host": shown_host if port == SCHEMES[scheme] else f"{shown_host}:{port}",
        "User-Agent": limits.user_agent,
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate",  # the only codings _read_body can cap while inflating
        "Connection": "close",
    }
    for name, value in conditions.items():
        if not value:
            continue
        # Validators come from earlier responses; a stray CR/LF must not become a header of ours.
        if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value) or not _latin1(value):
            raise FetchError(f"refusing to send a malformed {name} header", url=url)
        headers[name] = value
    return headers


def _latin1(value: str) -> bool:
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


class _Watchdog:
    """Shuts the socket down when a hop's time is up: a server that trickles bytes keeps every single
    read inside the socket timeout, so only a deadline on the whole response stops it."""

    def __init__(self, sock: socket.socket, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.fired = False
        self._lock = threading.Lock()
        self._disarmed = False
        self._timer = threading.Timer(seconds, self._cut, args=(sock,))
        self._timer.daemon = True
        self._timer.start()

    def _cut(self, sock: socket.socket) -> None:
        with self._lock:
            if self._disarmed:
                return
            self.fired = True
            # The plain socket's shutdown, also under TLS: SSLSocket.shutdown would drop the SSL
            # object under the reading thread's feet. A socket closed meanwhile has nothing to cut.
            with suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def expired(self) -> bool:
        return self.fired or time.monotonic() > self.deadline

    def disarm(self) -> None:
        with self._lock:
            self._disarmed = True
        self._timer.cancel()


@contextmanager
def _exchange(
    url: str,
    *,
    host: str,
    port: int,
    addresses: list[str],
    headers: dict[str, str],
    limits: FetchLimits,
    deadline: float,
    method: str = "GET",
    body: bytes | None = None,
) -> Iterator[tuple[BaseHTTPResponse, _Watchdog]]:
    """Connects to a checked address, sends the request, yields the response with its body unread."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchTimeout(f"gave up: more than {limits.total_timeout:g} s for the whole fetch", url=url)
    timeout = urllib3.Timeout(connect=min(limits.connect_timeout, remaining), read=min(limits.read_timeout, remaining))
    conn = _connect(url, host=host, port=port, addresses=addresses, timeout=timeout, deadline=deadline)
    budget = min(timeout.read_timeout or limits.read_timeout, deadline - time.monotonic())
    if budget <= 0:
        conn.close()
        raise FetchTimeout(f"gave up: more than {limits.total_timeout:g} s for the whole fetch", url=url)
    conn.timeout = budget  # every single socket read; the watchdog bounds their sum
    watchdog = _Watchdog(conn.sock, budget)
    try:
        parts = urlsplit(url)
        target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=TARGET_SAFE)
        conn.request(method, target, body=body, headers=headers, preload_content=False, decode_content=False)
        response = conn.getresponse()
        yield response, watchdog
        if watchdog.fired:
            # The cut socket reads as a clean end of a body without Content-Length.
            raise FetchTimeout(f"no complete response within {budget:.3g} s", url=url)
    except FetchError:
        raise
    except (urllib3.exceptions.HTTPError, HTTPException, OSError) as exc:
        raise _failure(exc, url=url, watchdog=watchdog) from exc
    finally:
        watchdog.disarm()
        conn.close()


def _connect(
    url: str, *, host: str, port: int, addresses: list[str], timeout: urllib3.Timeout, deadline: float
) -> HTTPConnection:
    """Tries the checked addresses in order; the connection goes to the address, never to the name,
    so a second DNS answer (rebinding) cannot steer it."""
    scheme = urlsplit(url).scheme.lower()
    failures: list[Exception] = []
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        connect_timeout = min(timeout.connect_timeout or remaining, remaining)
        conn: HTTPConnection
        if scheme == "https":
            conn = HTTPSConnection(
                address,
                port,
                timeout=connect_timeout,
                server_hostname=host,
                assert_hostname=host,
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
            )
        else:
            conn = HTTPConnection(address, port, timeout=connect_timeout)
        try:
            conn.connect()
        except (ssl.SSLError, CertificateError, urllib3.exceptions.SSLError) as exc:
            conn.close()
            raise FetchError(f"TLS with {host} failed: {_reason(exc)}", url=url) from exc
        except (ConnectTimeoutError, OSError) as exc:  # NewConnectionError is a ConnectTimeoutError
            conn.close()
            failures.append(exc)
            continue
        return conn
    if failures and all(_is_timeout(exc) for exc in failures):
        raise FetchTimeout(f"could not connect to {host} within {timeout.connect_timeout:g} s", url=url)
    if not failures:
        raise FetchTimeout(f"gave up: more than {timeout.connect_timeout:g} s to connect", url=url)
    raise NetworkError(f"could not connect to {host} port {port}: {_reason(failures[-1])}", url=url)


def _is_timeout(exc: Exception) -> bool:
    if isinstance(exc, NewConnectionError):
        return False
    return isinstance(exc, ConnectTimeoutError | TimeoutError)


def _failure(exc: Exception, *, url: str, watchdog: _Watchdog) -> FetchError:
    if watchdog.fired:
        return FetchTimeout(f"no complete response within {watchdog.seconds:.3g} s", url=url)
    if isinstance(exc, ReadTimeoutError | TimeoutError):
        return FetchTimeout(f"the server fell silent for {watchdog.seconds:.3g} s", url=url)
    if isinstance(exc, ssl.SSLError | urllib3.exceptions.SSLError):
        return NetworkError(f"TLS connection broken: {_reason(exc)}", url=url)
    return NetworkError(f"connection broken: {_reason(exc)}", url=url)


def _reason(exc: BaseException) -> str:
    """The innermost readable cause, without urllib3's object reprs."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return str(exc) or type(exc).__name__


# --- the body, capped ---------------------------------------------------------------------------


class _Stage(Protocol):
    def feed(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class _Collect:
    def __init__(self) -> None:
        self.body = bytearray()

    def feed(self, data: bytes) -> None:
        self.body += data

    def close(self) -> None:
        pass


class _Inflate:
    """gzip or deflate, inflated a bounded step at a time: the output never passes `cap`, whatever the
    ratio, so a bomb is cut without ever being held."""

    def __init__(self, coding: str, *, cap: int, url: str, then: _Stage):
        self._coding = coding
        self._cap = cap
        self._url = url
        self._then = then
        self._produced = 0
        self._seen_input = False
        self._finished = False
        # deflate is zlib-wrapped by the RFC and raw by some servers: decide on the first two bytes.
        self._head: bytes | None = b"" if coding == "deflate" else None
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if coding != "deflate" else None

    def feed(self, data: bytes) -> None:
        if self._head is not None:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, None
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if _zlib_header(data) else -zlib.MAX_WBITS)
        self._seen_input = self._seen_input or bool(data)
        assert self._inflater is not None
        while not self._finished:
            step = min(INFLATE_STEP, self._cap - self._produced + 1)
            try:
                out = self._inflater.decompress(data, step)
            except zlib.error as exc:
                raise FetchError(f"cannot decompress the {self._coding} body: {exc}", url=self._url) from exc
            self._produced += len(out)
            if self._produced > self._cap:
                raise TooLarge(f"body larger than {_size(self._cap)} once decompressed", url=self._url)
            if out:
                self._then.feed(out)
            if self._inflater.eof:
                rest = self._inflater.unused_data
                # A gzip file may hold several members; anything else after the end is padding.
                if self._coding != "deflate" and rest.startswith(GZIP_MAGIC):
                    self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    data = rest
                    continue
                self._finished = True
                break
            data = self._inflater.unconsumed_tail
            # A full step may leave output pending inside zlib even when all input was taken.
            if not data and len(out) < step:
                break

    def close(self) -> None:
        if (self._seen_input or self._head) and (self._inflater is None or not self._inflater.eof):
            raise FetchError(f"the {self._coding} body is cut short", url=self._url)
        self._then.close()


def _zlib_header(data: bytes) -> bool:
    return data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


class _GunzipFile:
    """A .gz file served as it is (no Content-Encoding) is inflated the same capped way."""

    def __init__(self, *, cap: int, url: str, then: _Stage):
        self._cap = cap
        self._url = url
        self._then = then
        self._head = b""
        self._next: _Stage | None = None

    def feed(self, data: bytes) -> None:
        if self._next is None:
            self._head += data
            if len(self._head) < len(GZIP_MAGIC):
                return
            data, self._head = self._head, b""
            gzipped = data.startswith(GZIP_MAGIC)
            self._next = _Inflate("gzip", cap=self._cap, url=self._url, then=self._then) if gzipped else self._then
        self._next.feed(data)

    def close(self) -> None:
        if self._next is None:
            self._then.feed(self._head)
            self._next = self._then
        self._next.close()


def _read_body(response: BaseHTTPResponse, *, url: str, limits: FetchLimits, watchdog: _Watchdog) -> bytes:
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise TooLarge(f"body larger than {_size(limits.max_bytes)} (Content-Length {declared})", url=url)
    header = response.headers.get("content-encoding", "")
    codings = [coding.strip().lower() for coding in header.split(",")]
    codings = [coding for coding in codings if coding and coding != "identity"]
    if len(codings) > 1 or (codings and codings[0] not in ENCODINGS):
        raise FetchError(f"the server sent content-encoding {header!r}, which is not gzip or deflate", url=url)
    collect = _Collect()
    pipeline: _Stage = _GunzipFile(cap=limits.max_decompressed, url=url, then=collect)
    if codings:
        pipeline = _Inflate(codings[0], cap=limits.max_decompressed, url=url, then=pipeline)
    received = 0
    while chunk := response.read1(READ_CHUNK, decode_content=False):
        received += len(chunk)
        # Content-Length may lie or be missing: the count of bytes that arrived is what holds.
        if received > limits.max_bytes:
            raise TooLarge(f"body larger than {_size(limits.max_bytes)}", url=url)
        if watchdog.expired():
            raise FetchTimeout(f"no complete response within {watchdog.seconds:.3g} s", url=url)
        pipeline.feed(chunk)
    if watchdog.fired:
        raise FetchTimeout(f"no complete response within {watchdog.seconds:.3g} s", url=url)
    pipeline.close()
    return bytes(collect.body)


def _read_excerpt(response: BaseHTTPResponse, *, cap: int, watchdog: _Watchdog, url: str) -> bytes:
    """The first `cap` bytes of a body as they came (no decoding): enough to show what a server said."""
    excerpt = bytearray()
    while len(excerpt) < cap and (chunk := response.read1(min(READ_CHUNK, cap - len(excerpt)), decode_content=False)):
        excerpt += chunk
        if watchdog.expired():
            raise FetchTimeout(f"no complete response within {watchdog.seconds:.3g} s", url=url)
    return bytes(excerpt)


def _size(count: int) -> str:
    return f"{count / MB:g} MB" if count >= MB else f"{count} bytes"
