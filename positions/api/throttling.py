"""The API's per-reader limits: anonymous readers by address, signed-in users by account, each counted once
per request, in one round trip when the cache is Redis."""

import itertools
import os

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

# DRF's window, kept in a sorted set (score: the request's time): drop the times older than the window, and
# take a place if one is left. Answers whether it was taken, how many places are used and the oldest time.
WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
local used = redis.call('ZCARD', KEYS[1])
if used >= tonumber(ARGV[3]) then
    return {0, used, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
return {1, used + 1, ARGV[1]}
"""
_script = None
_members = itertools.count()


class OneTrip(SimpleRateThrottle):
    """DRF's throttles read the times of a reader's recent requests from the cache and write them back: two
    round trips, a list that grows with the rate, and two processes that may both take the last place.
    With Redis the same window (requests in the last `duration` seconds, the oldest giving Retry-After)
    is checked and updated by one script, in one round trip. Other caches keep DRF's way."""

    def allow_request(self, request, view):
        cache = caches["default"]
        if self.rate is None or not isinstance(cache, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        global _script
        client = cache._cache.get_client(write=True)
        if _script is None:
            _script = client.register_script(WINDOW)
        self.now = self.timer()
        member = f"{self.now!r}:{os.getpid()}:{next(_members)}"
        args = [repr(self.now), self.duration, self.num_requests, member]
        taken, used, oldest = _script(keys=[cache.make_key(self.key)], args=args, client=client)
        if taken:
            return True
        self.history = [float(oldest)] * int(used)  # what wait() reads: how many, and the oldest last
        return self.throttle_failure()


class AnonymousRateThrottle(OneTrip, AnonRateThrottle):
    """Anonymous readers, by address (API_THROTTLE_ANON)."""


class SignedInRateThrottle(OneTrip, UserRateThrottle):
    """Signed-in readers, by account (API_THROTTLE_USER). DRF's UserRateThrottle counts an anonymous request
    too, by its address, beside the anonymous count of the same request: this one counts accounts only."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # the anonymous throttle's to count
        return super().get_cache_key(request, view)
