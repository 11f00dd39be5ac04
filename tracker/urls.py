"""The site's URLs."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from tracker.health import healthz

admin.site.site_header = "Negotiation-position tracker"
admin.site.site_title = "Tracker admin"
admin.site.index_title = "Curation"

urlpatterns = [
    # Until the public pages exist, the admin is the only place to go.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
