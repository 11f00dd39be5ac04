"""A real webhook receiver for tests: an HTTP server on 127.0.0.1 in a thread that answers POSTs with the
statuses it is given, in order, and checks each delivery's signature as docs/webhooks.md tells subscribers to."""

import hashlib
import hmac
import http.server
import json
import threading
import time
from dataclasses import dataclass


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    answered: int

    @property
    def json(self) -> dict:
        return json.loads(self.body)


def verify(*, secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The subscriber's check (docs/webhooks.md): a fresh timestamp, and the HMAC of "t.body" matches."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))


class Receiver:
    """`statuses`: the answers to the first requests, in order; `then` answers every later one. `secrets`
    maps a subscription id to its secret, to verify the signature of what arrives."""

    def __init__(self, statuses: tuple[int, ...] = (), then: int = 200):
        self.statuses = list(statuses)
        self.then = then
        self.secrets: dict[int, str] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.then
                    try:
                        secret = receiver.secrets.get(json.loads(body)["subscription"], "")
                    except (ValueError, KeyError, TypeError):
                        secret = ""
                    signed = verify(secret=secret, header=self.headers.get("X-Tracker-Signature", ""), body=body)
                    receiver.received.append(Received(self.path, dict(self.headers.items()), body, signed, status))
                answer = f"receiver says {status}".encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def network(self) -> str:
        """The FETCH_ALLOWED_NETWORKS entry that opens this receiver alone."""
        return f"127.0.0.1/32:{self.port}"

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for(self, count: int, *, seconds: float = 60) -> list[Received]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
