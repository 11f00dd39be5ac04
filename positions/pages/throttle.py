"""Throttles for the public pages, feeds and their CSV files: DRF's counting, a friendly 429 page."""

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle


class PageRateThrottle(SimpleRateThrottle):
    """Counts per signed-in user or, for anonymous readers, per address, as the API's throttles do."""

    scope = "pages"

    def get_rate(self):
        # Tests switch throttles off by replacing the rates with ones that name only the API's.
        return self.THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        user = request.user
        ident = f"user-{user.pk}" if user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CSVRateThrottle(PageRateThrottle):
    scope = "pages_csv"


class PageThrottleMiddleware:
    """Throttles every view of the `pages` namespace; the CSV files, dearer to make, at a lower rate."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace != "pages":
            return None
        throttle = CSVRateThrottle() if match.url_name.endswith("-csv") else PageRateThrottle()
        if throttle.allow_request(request, None):
            return None
        return too_many_requests(request, throttle.wait())


def too_many_requests(request: HttpRequest, wait: float | None) -> HttpResponse:
    seconds = max(1, math.ceil(wait or 1))
    response = render(request, "pages/too_many_requests.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response
