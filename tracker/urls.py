"""The site's URLs."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.utils.cache import patch_cache_control
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error

from tracker.health import healthz

admin.site.site_header = "Negotiation-position tracker"
admin.site.site_title = "Tracker admin"
admin.site.index_title = "Curation"

# Browsers ask for /favicon.ico whatever a page links (the pages and the admin link favicon.svg): the same
# drawing at 32 px, read once.
FAVICON = (settings.BASE_DIR / "positions" / "static" / "positions" / "favicon.ico").read_bytes()


def favicon(request):
    response = HttpResponse(FAVICON, content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("positions.api.urls")),
    path("healthz", healthz, name="healthz"),
    # The pages for students, at the root; after the fixed prefixes above.
    path("", include("positions.pages.urls")),
]


def not_found(request, exception=None):
    """The API's error format for API paths that match no route; Django's page elsewhere."""
    if request.path.startswith("/api/"):
        body = {"error": {"status": 404, "code": "not_found", "message": "No such API route."}}
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)


def bad_request(request, exception=None):
    """Requests Django refuses before any view (too many files, a suspicious header)."""
    if request.path.startswith("/api/"):
        body = {"error": {"status": 400, "code": "bad_request", "message": "The request was refused as malformed."}}
        return JsonResponse(body, status=400)
    return default_bad_request(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        body = {"error": {"status": 500, "code": "server_error", "message": "The server failed; it has been logged."}}
        return JsonResponse(body, status=500)
    return default_server_error(request)


handler400 = bad_request
handler404 = not_found
handler500 = server_error
