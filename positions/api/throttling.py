"""The API's per-reader limits: anonymous readers by address (DRF's AnonRateThrottle), signed-in users
by account, each counted once per request."""

from rest_framework.throttling import UserRateThrottle


class SignedInRateThrottle(UserRateThrottle):
    """DRF's UserRateThrottle counts an anonymous request too, by its address, beside AnonRateThrottle's
    count of the same request: two cache reads and writes where one does. This one counts accounts only."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # AnonRateThrottle's to count
        return super().get_cache_key(request, view)
