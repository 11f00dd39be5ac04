"""/api/v1/: the router's resources, the comparison views, exports, the schema and its docs.

One rule for trailing slashes: every route answers with and without one (`/?`), never a redirect
(a redirect would drop a POST's body) and never a 404.
"""

from django.db import transaction
from django.urls import include, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from positions.api import views
from positions.api.comparison import ChangesView, CompareView, ProposalHistoryView, ProposalRelationsView
from positions.api.exports import EventsCSVView, StatementsCSVView
from positions.api.releases import ReleasesView
from positions.api.scales import IssuePositionsCSVView, IssuePositionsView
from positions.api.subscriptions import SubscriptionViewSet

SLASH = "/?"
router = DefaultRouter()
router.trailing_slash = SLASH  # the constructor takes only yes or no
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
router.register("subscriptions", SubscriptionViewSet, basename="subscription")

urlpatterns = [
    re_path(rf"^compare{SLASH}$", CompareView.as_view(), name="api-compare"),
    re_path(rf"^changes{SLASH}$", ChangesView.as_view(), name="api-changes"),
    re_path(rf"^proposals/(?P<pk>[0-9]+)/history{SLASH}$", ProposalHistoryView.as_view(), name="api-proposal-history"),
    re_path(
        rf"^proposals/(?P<pk>[0-9]+)/relations{SLASH}$", ProposalRelationsView.as_view(), name="api-proposal-relations"
    ),
    re_path(rf"^exports/statements\.csv{SLASH}$", StatementsCSVView.as_view(), name="api-export-statements"),
    re_path(rf"^exports/events\.csv{SLASH}$", EventsCSVView.as_view(), name="api-export-events"),
    re_path(rf"^releases{SLASH}$", ReleasesView.as_view(), name="api-releases"),
    re_path(rf"^issue-positions{SLASH}$", IssuePositionsView.as_view(), name="api-issue-positions"),
    re_path(
        rf"^exports/issue-positions\.csv{SLASH}$", IssuePositionsCSVView.as_view(), name="api-export-issue-positions"
    ),
    # The schema touches no data: no transaction (and schemathesis loads it outside any test).
    re_path(rf"^schema{SLASH}$", transaction.non_atomic_requests(SpectacularAPIView.as_view()), name="api-schema"),
    # Split: Swagger UI's start-up script comes from its own URL, not inline (the CSP forbids that).
    re_path(
        rf"^docs{SLASH}$",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    re_path("", include(router.urls)),
]
