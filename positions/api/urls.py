"""/api/v1/: the router's resources, the comparison views, exports, the schema and its docs."""

from django.db import transaction
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from positions.api import views
from positions.api.comparison import ChangesView, CompareView, ProposalHistoryView
from positions.api.exports import EventsCSVView, StatementsCSVView

router = DefaultRouter(trailing_slash=False)
router.register("negotiations", views.NegotiationViewSet, basename="negotiation")
router.register("issues", views.IssueViewSet, basename="issue")
router.register("parties", views.PartyViewSet, basename="party")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("stances", views.StanceViewSet, basename="stance")
router.register("status-changes", views.StatusChangeViewSet, basename="statuschange")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("sources", views.SourceViewSet, basename="source")
router.register("ingest-runs", views.IngestRunViewSet, basename="ingestrun")
router.register("ingest-items", views.ItemViewSet, basename="item")

urlpatterns = [
    path("compare", CompareView.as_view(), name="api-compare"),
    path("changes", ChangesView.as_view(), name="api-changes"),
    path("proposals/<int:pk>/history", ProposalHistoryView.as_view(), name="api-proposal-history"),
    path("exports/statements.csv", StatementsCSVView.as_view(), name="api-export-statements"),
    path("exports/events.csv", EventsCSVView.as_view(), name="api-export-events"),
    # The schema touches no data: no transaction (and schemathesis loads it outside any test).
    path("schema/", transaction.non_atomic_requests(SpectacularAPIView.as_view()), name="api-schema"),
    # Split: Swagger UI's start-up script comes from its own URL, not inline (the CSP forbids that).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("", include(router.urls)),
]
