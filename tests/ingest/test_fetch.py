"""Tests of the fetch stage against real HTTP servers on 127.0.0.1; no database."""

import gzip
import ipaddress
import json
import re
import socket
import sys
import threading
import time
import tracemalloc
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from positions.ingest.fetch import check_url, fetch, post
from positions.ingest.records import (
    MB,
    FetchError,
    FetchLimits,
    FetchTimeout,
    HttpStatusError,
    NetworkError,
    TooLarge,
    UrlRefused,
)

SSRF_FEED = Path(__file__).resolve().parents[1] / "data" / "badinput" / "feeds" / "authored_ssrf_item_links.xml"
LOOPBACK = ("127.0.0.1/32",)
TEXT = "Die Delegationen vertagten sich. " * 40


def limits(**changes) -> FetchLimits:
    return FetchLimits(**{"connect_timeout": 2.0, "read_timeout": 5.0, "total_timeout": 15.0, **changes})


def allowed(**changes) -> FetchLimits:
    return limits(allowed_networks=LOOPBACK, **changes)


# --- a net under every test: record each connect, and stop any that would leave this machine ---

_net = SimpleNamespace(active=False, connects=[], lookups=[])


def _audit(event: str, args: tuple) -> None:
    if not _net.active:
        return
    if event == "socket.getaddrinfo":
        _net.lookups.append(args[0])
    elif event == "socket.connect" and isinstance(args[1], tuple):
        host = str(args[1][0])
        _net.connects.append((host, args[1][1]))
        try:
            loopback = ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            # Raised before the connect happens: no packet leaves, and the test fails loudly.
            raise RuntimeError(f"test tried to connect to {host}, which is not loopback")


if not getattr(sys, "_fetch_test_audit_installed", False):
    sys.addaudithook(_audit)  # hooks cannot be removed, hence installed once and switched by `_net.active`
    sys._fetch_test_audit_installed = True


@pytest.fixture(autouse=True)
def net() -> Iterator[SimpleNamespace]:
    _net.connects, _net.lookups, _net.active = [], [], True
    try:
        yield _net
    finally:
        _net.active = False


# --- the test server ---------------------------------------------------------------------------


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    handler.send_response(status)
    for name, value in {"Content-Type": "text/plain; charset=utf-8", **headers}.items():
        handler.send_header(name.replace("_", "-"), value)
    if status != 304:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _trickle(handler: BaseHTTPRequestHandler, data: bytes) -> None:
    for byte in data:
        handler.wfile.write(bytes([byte]))
        time.sleep(1)


def _trickle_body(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "60")
    handler.end_headers()
    _trickle(handler, b"y" * 60)


def _short_body(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "100")  # then hangs up after ten
    handler.end_headers()
    handler.wfile.write(b"ten bytes.")


def _stream(handler: BaseHTTPRequestHandler, total: int, **headers: str) -> None:
    chunk = b"x" * (64 * 1024)  # made once; 50 MB are never held
    handler.send_response(200)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    for _ in range(total // len(chunk)):
        handler.wfile.write(chunk)


def _serve_bytes(handler: BaseHTTPRequestHandler, data: bytes, **headers: str) -> None:
    handler.send_response(200)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    view = memoryview(data)
    for start in range(0, len(data), 64 * 1024):
        handler.wfile.write(view[start : start + 64 * 1024])


def _hop(handler: BaseHTTPRequestHandler, rest: str, *, delay: float = 0.0) -> None:
    time.sleep(delay)
    left = int(rest)
    if left == 0:
        _send(handler, 200, b"arrived")
    else:
        prefix = handler.path.rsplit("/", 1)[0]
        # Relative and absolute Locations alternate: both are resolved against the current URL.
        target = f"{prefix}/{left - 1}" if left % 2 else f"http://{handler.headers['Host']}{prefix}/{left - 1}"
        _send(handler, 302, Location=target)


def _etag(handler: BaseHTTPRequestHandler, _rest: str) -> None:
    validators = {"ETag": '"v1"', "Last-Modified": "Mon, 02 Mar 2026 10:00:00 GMT"}
    if handler.headers.get("If-None-Match") == '"v1"':
        _send(handler, 304, **validators)
    else:
        _send(handler, 200, b"version one", **validators)


def _echo(handler: BaseHTTPRequestHandler, _rest: str) -> None:
    _send(handler, 200, json.dumps(dict(handler.headers.items())).encode(), Content_Type="application/json")


ROUTES: dict[str, Callable[[BaseHTTPRequestHandler, str], None]] = {
    "hello": lambda h, _: _send(h, 200, TEXT.encode()),
    "echo": _echo,
    "etag": _etag,
    "status": lambda h, rest: _send(h, int(rest), b"nope"),
    "hop": _hop,
    "slow-hop": lambda h, rest: _hop(h, rest, delay=0.5),
    "to-metadata": lambda h, _: _send(h, 302, Location="http://169.254.169.254/latest/meta-data/"),
    "gzip": lambda h, _: _send(h, 200, gzip.compress(TEXT.encode()), Content_Encoding="gzip"),
    "gz-file": lambda h, _: _send(h, 200, gzip.compress(TEXT.encode()), Content_Type="application/gzip"),
    "deflate": lambda h, _: _send(h, 200, zlib.compress(TEXT.encode()), Content_Encoding="deflate"),
    "raw-deflate": lambda h, _: _send(h, 200, _raw_deflate(TEXT.encode()), Content_Encoding="deflate"),
    "brotli": lambda h, _: _send(h, 200, b"\x8b\x03\x80hello\x03", Content_Encoding="br"),
    "slow-body": lambda h, _: _trickle_body(h),
    "slow-headers": lambda h, _: _trickle(h, b"HTTP/1.0 200 OK\r\nX-Padding: " + b"z" * 60),
    "garbage": lambda h, _: h.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"),
    "short": lambda h, _: _short_body(h),
    "gzip-cut": lambda h, _: _send(h, 200, gzip.compress(TEXT.encode())[:-40], Content_Encoding="gzip"),
    "big": lambda h, _: _stream(h, 50 * MB),
    "big-declared": lambda h, _: _stream(h, 50 * MB, Content_Length=str(50 * MB)),
    "bomb": lambda h, _: _serve_bytes(h, h.server.bomb, Content_Encoding="gzip"),
    "bomb-file": lambda h, _: _serve_bytes(h, h.server.bomb, Content_Type="application/octet-stream"),
}


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        _empty, name, *rest = urlsplit(self.path).path.split("/", 2)
        route = ROUTES.get(name)
        if route is None:
            _send(self, 404, b"no such route")
            return
        # The client hanging up mid-body is what most of these tests want.
        with suppress(OSError):
            route(self, rest[0] if rest else "")

    def do_POST(self) -> None:
        self.server.posted.append(
            (self.path, dict(self.headers.items()), self.rfile.read(int(self.headers["Content-Length"])))
        )
        self.do_GET()

    def log_message(self, format: str, *args) -> None:
        pass


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # trickling handlers must not hold up teardown
    bomb = b""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.accepted = 0
        self.posted: list[tuple[str, dict[str, str], bytes]] = []

    def get_request(self):
        request = super().get_request()
        self.accepted += 1
        return request


@pytest.fixture
def served() -> Iterator[SimpleNamespace]:
    server = CountingServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield SimpleNamespace(server=server, port=port, url=lambda path: f"http://127.0.0.1:{port}{path}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """1 GB of zeros, gzip level 9, built in steps: about 1 MB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    parts = [packer.compress(zeros) for _ in range(1024)]
    return b"".join(parts) + packer.flush()


class Listener:
    """A raw listening socket that never accepts while the test runs: afterwards the backlog tells
    how many connections reached it."""

    def __init__(self, host: str, port: int = 0):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def connections(self) -> int:
        self.sock.setblocking(False)
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1

    def close(self) -> None:
        self.sock.close()


def _peak_memory(call: Callable[[], object]) -> tuple[int, BaseException | None]:
    tracemalloc.start()
    try:
        call()
        error = None
    except BaseException as exc:
        error = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, error


def _resolver(*answers: list[str]) -> Callable[..., list[tuple]]:
    """A resolver giving the next answer on every call, counting calls in `.calls`."""

    def resolve(host: str, port: int, type: int = 0) -> list[tuple]:
        answer = answers[min(resolve.calls, len(answers) - 1)]
        resolve.calls += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in answer]

    resolve.calls = 0
    return resolve


# --- allow-list and address checks ----------------------------------------------------------


def test_it_fetches_from_an_allow_listed_loopback_server(served):
    result = fetch(served.url("/hello"), limits=allowed())

    assert result.status == 200
    assert result.body == TEXT.encode()
    assert result.final_url == served.url("/hello")
    assert result.content_type == "text/plain; charset=utf-8"
    assert served.server.accepted == 1


def test_it_refuses_the_same_url_without_the_allow_list_and_never_connects(served, net):
    with pytest.raises(UrlRefused) as refused:
        fetch(served.url("/hello"), limits=limits())

    assert str(refused.value) == "refused: 127.0.0.1 is not a public address"
    assert refused.value.url == served.url("/hello")
    assert served.server.accepted == 0
    assert net.connects == []


def test_an_allow_list_entry_with_a_port_opens_that_port_alone(served, net):
    port = urlsplit(served.url("/hello")).port
    assert fetch(served.url("/hello"), limits=limits(allowed_networks=(f"127.0.0.1/32:{port}",))).status == 200
    other = f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}/hello"
    with pytest.raises(UrlRefused, match=r"127\.0\.0\.1 is not a public address"):
        fetch(other, limits=limits(allowed_networks=(f"127.0.0.1/32:{port}",)))
    with pytest.raises(UrlRefused, match="is not a public address"):
        fetch(f"http://[::1]:{port}/", limits=limits(allowed_networks=(f"[::2/128]:{port}",)))
    assert [address for address, _port in net.connects] == ["127.0.0.1"]


@pytest.mark.parametrize("entry", ["127.0.0.1/32:0", "127.0.0.1/32:http", "[::1/128]8080", "127.0.0.1/33"])
def test_a_bad_allow_list_entry_refuses_everything_with_its_reason(entry):
    with pytest.raises(UrlRefused, match="allowed_networks holds a bad network"):
        fetch("http://127.0.0.1/", limits=limits(allowed_networks=(entry,)))


def _ssrf_links() -> list[str]:
    root = ET.parse(SSRF_FEED).getroot()
    return [item.findtext("link") for item in root.iter("item")]


@pytest.fixture(scope="module")
def ssrf_listeners() -> Iterator[list[Listener]]:
    """Listeners on the loopback ports the links name; ports taken by real services here (PostgreSQL,
    Redis) cannot be bound, and for those the connect log proves no connection was tried."""
    ports = {urlsplit(link).port or 80 for link in _ssrf_links() if link.startswith("http")}
    listeners = []
    for host in ("127.0.0.1", "::1"):
        for port in sorted(ports):
            try:
                listeners.append(Listener(host, port))
            except OSError:
                continue
    yield listeners
    for listener in listeners:
        listener.close()


def test_the_ssrf_feed_holds_25_item_links():
    assert len(_ssrf_links()) == 25


@pytest.mark.parametrize("link", _ssrf_links())
def test_it_refuses_every_ssrf_link_of_the_authored_feed(link, ssrf_listeners, net):
    with pytest.raises(UrlRefused) as refused:
        fetch(link, limits=limits())

    assert refused.value.message.startswith("refused: ")
    assert refused.value.url == link
    assert net.connects == []
    assert [listener.connections() for listener in ssrf_listeners] == [0] * len(ssrf_listeners)


@pytest.fixture
def v6_listener() -> Iterator[Listener]:
    listener = Listener("::1")
    yield listener
    listener.close()


@pytest.mark.parametrize(
    "template",
    [
        "http://[::1]:{v6}/",
        "http://[fe80::1]/",
        "http://[fe80::1%25eth0]/",
        "http://100.64.0.1/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
        "http://[64:ff9b::7f00:1]/",  # NAT64 around 127.0.0.1
        "http://2130706433:{port}/",
        "http://0x7f.0.0.1:{port}/",
        "http://017700000001:{port}/",
        "http://127.1:{port}/",
        "http://0.0.0.0:{port}/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/",
        "ftp://127.0.0.1:{port}/",
        "javascript:alert(1)",
        "data:text/html,hello",
        "//127.0.0.1:{port}/",
    ],
)
def test_it_refuses_internal_addresses_in_every_spelling(template, served, v6_listener, net):
    url = template.format(port=served.port, v6=v6_listener.port)

    with pytest.raises(UrlRefused) as refused:
        fetch(url, limits=limits())

    assert refused.value.message.startswith("refused: ")
    assert net.connects == []
    assert served.server.accepted == 0
    assert v6_listener.connections() == 0


def test_it_refuses_a_name_whose_answer_mixes_a_public_and_a_loopback_address(served, net):
    resolver = _resolver(["93.184.216.34", "127.0.0.1"])

    with pytest.raises(UrlRefused, match=re.escape("127.0.0.1, which is not a public address")):
        fetch(f"http://mixed.test:{served.port}/hello", limits=limits(), resolver=resolver)

    assert net.connects == []
    assert served.server.accepted == 0


def test_it_resolves_once_per_fetch_so_a_second_answer_cannot_rebind(served, net):
    resolver = _resolver(["192.0.2.1"], ["127.0.0.1"])

    with pytest.raises(UrlRefused, match=re.escape("192.0.2.1")):
        fetch(f"http://rebind.test:{served.port}/hello", limits=limits(), resolver=resolver)

    assert resolver.calls == 1
    assert net.connects == []
    assert served.server.accepted == 0


def test_it_connects_to_the_checked_address_not_to_the_name(served, net):
    # Were the name looked up again when connecting, the second answer would win (and the net would
    # stop it as non-loopback).
    resolver = _resolver(["127.0.0.1"], ["192.0.2.1"])

    result = fetch(f"http://rebind.test:{served.port}/echo", limits=allowed(), resolver=resolver)

    assert resolver.calls == 1
    assert net.connects == [("127.0.0.1", served.port)]
    assert "rebind.test" not in net.lookups
    assert json.loads(result.body)["Host"] == f"rebind.test:{served.port}"


def test_it_refuses_a_redirect_to_the_metadata_address(served, net):
    with pytest.raises(UrlRefused) as refused:
        fetch(served.url("/to-metadata"), limits=allowed())

    assert refused.value.message == "refused: 169.254.169.254 is not a public address"
    assert refused.value.url == "http://169.254.169.254/latest/meta-data/"
    assert served.server.accepted == 1
    assert {host for host, _port in net.connects} == {"127.0.0.1"}


def test_it_follows_five_redirects(served):
    result = fetch(served.url("/hop/5"), limits=allowed(max_redirects=5))

    assert result.body == b"arrived"
    assert result.final_url == served.url("/hop/0")
    assert served.server.accepted == 6


def test_it_refuses_a_sixth_redirect(served):
    with pytest.raises(FetchError, match="too many redirects: no more than 5") as refused:
        fetch(served.url("/hop/6"), limits=allowed(max_redirects=5))

    assert refused.value.url == served.url("/hop/6")
    assert served.server.accepted == 6


# --- time limits ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/slow-body", "/slow-headers"])
def test_it_abandons_a_server_trickling_a_byte_a_second(served, path):
    started = time.monotonic()

    with pytest.raises(FetchTimeout) as timed_out:
        fetch(served.url(path), limits=allowed(read_timeout=2.0))

    assert time.monotonic() - started < 2.0 + 2.0
    assert timed_out.value.transient
    assert timed_out.value.url == served.url(path)


def test_it_gives_up_when_a_redirect_chain_outlasts_the_total_timeout(served):
    started = time.monotonic()

    with pytest.raises(FetchTimeout):
        fetch(served.url("/slow-hop/5"), limits=allowed(total_timeout=1.2))

    assert time.monotonic() - started < 1.2 + 1.0


def test_it_reports_a_closed_port_as_a_transient_network_error():
    with socket.socket() as bound:  # bound, never listening: the connect is refused at once
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/"

        with pytest.raises(NetworkError, match="could not connect") as failed:
            fetch(url, limits=allowed())

    assert failed.value.transient


# --- size limits ------------------------------------------------------------------------------


def test_it_cuts_a_50_mb_body_at_max_bytes_without_holding_it(served):
    peak, error = _peak_memory(lambda: fetch(served.url("/big"), limits=allowed(max_bytes=5 * MB)))

    assert isinstance(error, TooLarge)
    assert error.message == "body larger than 5 MB"
    assert peak < 100 * MB


def test_it_refuses_a_declared_content_length_over_max_bytes_before_reading(served):
    with pytest.raises(TooLarge, match="Content-Length 52428800"):
        fetch(served.url("/big-declared"), limits=allowed(max_bytes=5 * MB))


@pytest.mark.parametrize("path", ["/bomb", "/bomb-file"])
def test_it_cuts_a_gzip_bomb_at_max_decompressed(served, gzip_bomb, path):
    served.server.bomb = gzip_bomb

    peak, error = _peak_memory(lambda: fetch(served.url(path), limits=allowed(max_decompressed=10 * MB)))

    assert isinstance(error, TooLarge)
    assert error.message == "body larger than 10 MB once decompressed"
    assert peak < 100 * MB


@pytest.mark.parametrize("path", ["/gzip", "/gz-file", "/deflate", "/raw-deflate"])
def test_it_decodes_gzip_and_deflate_bodies(served, path):
    assert fetch(served.url(path), limits=allowed()).body == TEXT.encode()


def test_it_refuses_an_encoding_it_did_not_ask_for(served):
    with pytest.raises(FetchError, match="content-encoding 'br'"):
        fetch(served.url("/brotli"), limits=allowed())


@pytest.mark.parametrize(
    ("path", "error", "reason"),
    [
        ("/garbage", NetworkError, "connection broken"),
        ("/short", NetworkError, "connection broken"),
        ("/gzip-cut", FetchError, "the gzip body is cut short"),
    ],
)
def test_it_reports_a_broken_response_as_a_fetch_error(served, path, error, reason):
    with pytest.raises(error, match=reason):
        fetch(served.url(path), limits=allowed())


def test_it_sends_its_own_headers(served):
    sent = json.loads(fetch(served.url("/echo"), limits=allowed()).body)

    assert sent["Host"] == f"127.0.0.1:{served.port}"
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert sent["User-Agent"] == FetchLimits().user_agent


# --- conditional GET and statuses ---------------------------------------------------------------


def test_it_returns_not_modified_when_the_etag_matches(served):
    first = fetch(served.url("/etag"), limits=allowed())
    again = fetch(served.url("/etag"), limits=allowed(), etag=first.etag, last_modified=first.last_modified)

    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', "Mon, 02 Mar 2026 10:00:00 GMT")
    assert (again.status, again.not_modified, again.body) == (304, True, b"")
    assert again.etag == '"v1"'


def test_it_raises_a_permanent_error_on_404(served):
    with pytest.raises(HttpStatusError) as failed:
        fetch(served.url("/status/404"), limits=allowed())

    assert failed.value.status == 404
    assert not failed.value.transient
    assert "404" in failed.value.message


def test_it_raises_a_transient_error_on_503(served):
    with pytest.raises(HttpStatusError) as failed:
        fetch(served.url("/status/503"), limits=allowed())

    assert failed.value.status == 503
    assert failed.value.transient


# --- check_url ----------------------------------------------------------------------------------


def test_check_url_returns_the_checked_addresses_of_an_allow_listed_url():
    assert check_url(" http://127.0.0.1:8080/feed.xml ", limits=allowed()) == ("127.0.0.1", 8080, ["127.0.0.1"])


@pytest.mark.parametrize("url", ["http://user:pass@127.0.0.1/", "http://example.com@127.0.0.1/"])
def test_check_url_refuses_userinfo(url):
    with pytest.raises(UrlRefused, match=re.escape("user name or password (user:pass@)")):
        check_url(url, limits=allowed())


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http:///feed.xml", "no host"),
        ("http://:80/", "no host"),
        ("http://127.0.0.1:0/", "port 0 is outside 1..65535"),
        ("http://127.0.0.1:70000/", "malformed URL"),
        ("http://exa mple.com/", "spaces or control characters"),
        ("http://nowhere.invalid/", "cannot resolve nowhere.invalid"),
    ],
)
def test_check_url_refuses_malformed_urls(url, reason):
    with pytest.raises(UrlRefused, match=re.escape(reason)):
        check_url(url, limits=allowed())


# --- POST (webhook deliveries) -----------------------------------------------------------------


def test_it_posts_a_body_with_its_headers_and_returns_the_answer(served):
    result = post(served.url("/echo"), body=b'{"a":1}', headers={"X-Signature": "t=1,v1=ab"}, limits=allowed())

    assert result.status == 200
    [(path, headers, body)] = served.server.posted
    assert (path, body) == ("/echo", b'{"a":1}')
    assert headers["X-Signature"] == "t=1,v1=ab" and headers["Content-Length"] == "7"
    assert json.loads(result.body)["X-Signature"] == "t=1,v1=ab"


def test_post_answers_an_error_status_instead_of_raising(served):
    result = post(served.url("/status/500"), body=b"{}", headers={}, limits=allowed())

    assert (result.status, result.body) == (500, b"nope")


def test_post_refuses_a_loopback_target_without_the_allow_list_and_never_connects(served, net):
    with pytest.raises(UrlRefused, match=r"refused: 127\.0\.0\.1 is not a public address"):
        post(served.url("/echo"), body=b"{}", headers={}, limits=limits())

    assert served.server.accepted == 0 and net.connects == []


def test_post_does_not_follow_a_redirect(served, net):
    result = post(served.url("/to-metadata"), body=b"{}", headers={}, limits=allowed())

    assert result.status == 302
    assert {host for host, _port in net.connects} == {"127.0.0.1"}


def test_post_keeps_the_start_of_a_large_answer_and_leaves_the_rest_unread(served):
    started = time.monotonic()
    result = post(served.url("/big"), body=b"{}", headers={}, limits=allowed(max_bytes=1000))

    assert result.status == 200 and result.body == b"x" * 1000
    assert time.monotonic() - started < 5


def test_post_refuses_a_header_value_with_a_line_break(served):
    with pytest.raises(FetchError, match="malformed X-Signature header"):
        post(served.url("/echo"), body=b"{}", headers={"X-Signature": "a\r\nHost: evil"}, limits=allowed())

    assert served.server.accepted == 0


def test_post_abandons_a_server_trickling_its_answer(served):
    with pytest.raises(FetchTimeout):
        post(served.url("/slow-body"), body=b"{}", headers={}, limits=allowed(read_timeout=2.0, total_timeout=3.0))
