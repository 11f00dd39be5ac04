"""The API's per-reader limits: anonymous readers by address, signed-in users by account, each counted once
per request, in one round trip when the cache is Redis (which a cached answer overlaps with its own query);
a busy reader well under its limit is counted by its web process between round trips (settings.
API_THROTTLE_SYNC_MS, `_Readers`)."""

import itertools
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import NoScriptError
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from positions.selectors import SIGNAL_KEY, redis_client

# DRF's window, kept in a sorted set (score: the request's time): drop the times older than the window, add
# the requests the web process let through on its own since its last count (ARGV[5...], time and member pairs:
# served, so counted whatever the limit), and take a place if one is left. Answers whether it was taken, how many
# places are used, the oldest time, and the signal the tracker's writes move (KEYS[2], positions.selectors.
# SIGNAL_KEY; "0" before the first), which a cached answer reads in the same round trip.
WINDOW = """
local signal = redis.call('GET', KEYS[2]) or '0'
local since = ARGV[1] - ARGV[2]
local ttl = math.ceil(tonumber(ARGV[2]))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', since)
if #ARGV > 4 then
    local served = {}
    for i = 5, #ARGV, 2 do
        if tonumber(ARGV[i]) > since then
            served[#served + 1] = ARGV[i]
            served[#served + 1] = ARGV[i + 1]
        end
    end
    if #served > 0 then
        redis.call('ZADD', KEYS[1], unpack(served))
        redis.call('EXPIRE', KEYS[1], ttl)
    end
end
local used = redis.call('ZCARD', KEYS[1])
if used >= tonumber(ARGV[3]) then
    return {0, used, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2], signal}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ttl)
return {1, used + 1, ARGV[1], signal}
"""
# A busy reader's share: the requests its web process may let through on its own between two counts in Redis,
# a hundredth of its limit (none under 100 a window: such a limit is counted exactly), and at most this many.
SHARE_DIVISOR, SHARE_MAX = 100, 1000
_script = None
_members = itertools.count()


class OneTrip(SimpleRateThrottle):
    """DRF's throttles read the times of a reader's recent requests from the cache and write them back: two
    round trips, a list that grows with the rate, and two processes that may both take the last place.
    With Redis the same window (requests in the last `duration` seconds, the oldest giving Retry-After)
    is checked and updated by one script, in one round trip, which also reads the tracker's writes' signal
    (`signal` once the reply is read; None where no script ran). Other caches keep DRF's way.

    A reader whose last count, less than settings.API_THROTTLE_SYNC_MS ago, left it short of its limit is let
    through by its web process on its own, up to a hundredth of that limit (`_share`): those requests
    go to Redis with the reader's next count, with their own times, and the signal is the one that count read.
    A reader can pass its limit by at most that share per web process (per thread of one); the last places
    before its limit, a refusal and its Retry-After are counted in Redis as before."""

    signal = None

    def allow_request(self, request, view):
        return self.counted(request, view, sent=False)()

    def get_ident(self, request):
        # DRF's, from request.META: its request.headers builds every header's entry first (some 10 µs of a
        # cached answer, which reads no other header that way)
        xff, remote_addr = request.META.get("HTTP_X_FORWARDED_FOR"), request.META.get("REMOTE_ADDR")
        num_proxies = api_settings.NUM_PROXIES
        if num_proxies is not None:
            if num_proxies == 0 or xff is None:
                return remote_addr
            addrs = xff.split(",")
            return addrs[-min(num_proxies, len(addrs))].strip()
        return "".join(xff.split()) if xff else remote_addr

    def counted(self, request, view, *, sent: bool = True) -> Callable[[], bool]:
        """Count this request and give what says whether it is allowed. With Redis and `sent`, the script is
        sent now and its reply read when that is called: meanwhile the caller may wait on something else (a
        cached answer's data version, from PostgreSQL), so the two round trips overlap instead of adding up."""
        cache = caches["default"]
        if self.rate is None or not isinstance(cache, RedisCache):
            allowed = super().allow_request(request, view)
            return lambda: allowed
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return lambda: True
        global _script
        client = redis_client(cache)
        if _script is None:
            _script = client.register_script(WINDOW)
        self.now = self.timer()
        member = f"{self.now!r}:{os.getpid()}:{next(_members)}"
        keys = [cache.make_key(self.key), cache.make_key(SIGNAL_KEY)]
        readers = _READERS
        reader = readers.find(keys[0], self.num_requests)
        if reader is not None and reader.let_through(self.now, member):
            self.signal = readers.signal
            return _allowed
        args = [repr(self.now), self.duration, self.num_requests, member]
        if reader is not None:
            args += reader.sent()
        counted_at = time.monotonic()  # what the reply says is newer: the reader's share is timed from here
        reply = _Sent(client, keys, args).reply if sent else lambda: _script(keys=keys, args=args, client=client)

        def allowed() -> bool:
            taken, used, oldest, signal = reply()
            self.signal = signal.decode() if isinstance(signal, bytes) else str(signal)
            readers.counted(keys[0], self.num_requests, int(used), counted_at, self.signal)
            if taken:
                return True
            self.history = [float(oldest)] * int(used)  # what wait() reads: how many, and the oldest last
            return self.throttle_failure()

        return allowed


def _allowed() -> bool:
    return True


class _Reader:
    """What a web process (one thread of it) knows of a reader under one limit: the places its last count in
    Redis found used, when, and the requests let through here since (time and member, for the next count)."""

    __slots__ = ("counted_at", "limit", "served", "share", "used")

    def __init__(self, limit: int, used: int, counted_at: float):
        self.limit, self.share, self.used, self.counted_at, self.served = limit, _share(limit), used, counted_at, []

    def let_through(self, now: float, member: str) -> bool:
        """Whether this request may go through without a count in Redis (and if so, it is noted for the next):
        the last count is recent, the share is not spent, and the limit is not near."""
        if (
            len(self.served) >= self.share
            or self.used + len(self.served) + 1 >= self.limit
            or time.monotonic() - self.counted_at >= settings.API_THROTTLE_SYNC_MS / 1000
        ):
            return False
        self.served.append((now, member))
        return True

    def sent(self) -> list:
        """The requests let through here, as the script's arguments; forgotten here (a count that fails loses
        them: the reader is counted short by at most its share)."""
        served, self.served = self.served, []
        return [part for now, member in served for part in (repr(now), member)]


def _share(limit: int) -> int:
    return min(limit // SHARE_DIVISOR, SHARE_MAX) if settings.API_THROTTLE_SYNC_MS else 0


class _Readers(threading.local):
    """Per thread, the busy readers counted in the last moments (at most `size`; the least recently counted go
    first, with what they had let through) and the writes' signal that the thread's last count read."""

    size = 4096

    def __init__(self):
        self.known: OrderedDict[str, _Reader] = OrderedDict()
        self.signal: str | None = None

    def find(self, key: str, limit: int) -> _Reader | None:
        reader = self.known.get(key)
        if reader is None or reader.limit != limit or not reader.share:
            return None
        return reader

    def counted(self, key: str, limit: int, used: int, counted_at: float, signal: str) -> None:
        self.signal = signal
        if not _share(limit):
            self.known.pop(key, None)
            return
        reader = self.known.get(key)
        if reader is None or reader.limit != limit:
            reader = self.known[key] = _Reader(limit, used, counted_at)
        else:
            reader.used, reader.counted_at = used, counted_at
        self.known.move_to_end(key)
        while len(self.known) > self.size:
            self.known.popitem(last=False)


_READERS = _Readers()


class _Sent:
    """The window's script sent on a connection of the client's pool, its reply read once, later; the
    connection is given back then (closed first if the exchange failed half-way)."""

    def __init__(self, client, keys: list, args: list):
        self.client, self.keys, self.args = client, keys, args
        self.kept = _kept(client.connection_pool)
        self.connection = self.kept.connection if self.kept else client.connection_pool.get_connection()
        try:
            self.connection.send_command("EVALSHA", _script.sha, len(keys), *keys, *args)
        except BaseException:
            self._release(broken=True)
            raise

    def reply(self):
        try:
            found = self.connection.read_response()
        except NoScriptError:  # a Redis restarted or flushed since the script was loaded: load it, run it
            self._release()
            return _script(keys=self.keys, args=self.args, client=self.client)
        except BaseException:
            self._release(broken=True)
            raise
        self._release()
        return found

    def _release(self, broken: bool = False) -> None:
        if broken:
            self.connection.disconnect()  # redis-py connects it again at its next command
        if self.kept:
            self.kept.busy = False
        else:
            self.client.connection_pool.release(self.connection)


class _Kept(threading.local):
    """Per thread, a connection of the cache's pool kept from one count to the next: the pool's checkout and
    return (a lock, a poll of the socket for unread data, its counters and events) cost 6-15 µs of every
    count. Taken from the pool once per process and thread, given back when the cache's pool is another (a
    test's settings); while a count waits for its reply on it (busy), another count in the same thread checks
    out one of the pool's own. A reply read or the connection closed makes it free again, so it never holds a
    reply nobody read."""

    pool = connection = pid = None
    busy = False


_KEPT = _Kept()


def _kept(pool) -> _Kept | None:
    kept = _KEPT
    if kept.pool is not pool or kept.pid != os.getpid():  # another pool, or a process forked since
        connection = pool.get_connection()
        if kept.connection is not None and not kept.busy and kept.pid == os.getpid():
            kept.pool.release(kept.connection)
        kept.pool, kept.pid, kept.busy, kept.connection = pool, os.getpid(), False, connection
    if kept.busy:
        return None
    kept.busy = True
    return kept


class AnonymousRateThrottle(OneTrip, AnonRateThrottle):
    """Anonymous readers, by address (API_THROTTLE_ANON)."""


class SignedInRateThrottle(OneTrip, UserRateThrottle):
    """Signed-in readers, by account (API_THROTTLE_USER). DRF's UserRateThrottle counts an anonymous request
    too, by its address, beside the anonymous count of the same request: this one counts accounts only."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # the anonymous throttle's to count
        return super().get_cache_key(request, view)
