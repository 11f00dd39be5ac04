"""The site's URLs plus /bench/ping: the cheapest JSON answer the same server can give, never in the public API."""

from django.db import transaction
from django.http import JsonResponse
from django.urls import include, path

from tracker.urls import handler400, handler404, handler500  # noqa: F401


@transaction.non_atomic_requests
def ping(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/ping", ping, name="bench-ping"),
    path("", include("tracker.urls")),
]
