"""The pages' URLs, mounted at the site's root."""

from django.urls import path

from positions.pages import feeds, record, views
from positions.pages.cached import cached_page

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("negotiations/<slug:slug>/", views.negotiation, name="negotiation"),
    path("negotiations/<slug:slug>/matrix/", cached_page(views.matrix), name="matrix"),
    path("negotiations/<slug:slug>/matrix.csv", views.matrix_csv, name="matrix-csv"),
    path("negotiations/<slug:slug>/issues/<slug:key>/", cached_page(views.issue), name="issue"),
    path(
        "negotiations/<slug:slug>/issues/<slug:key>/positions.csv",
        cached_page(views.issue_positions_csv),
        name="issue-positions-csv",
    ),
    path("negotiations/<slug:slug>/changes/", cached_page(views.changes), name="changes"),
    path("negotiations/<slug:slug>/changes.csv", views.changes_csv, name="changes-csv"),
    path("negotiations/<slug:slug>/feed.atom", cached_page(feeds.NegotiationChangesFeed()), name="negotiation-feed"),
    path("proposals/<int:pk>/", cached_page(views.proposal), name="proposal"),
    path("proposals/<int:pk>/evidence.csv", views.proposal_csv, name="proposal-csv"),
    path("proposals/<int:pk>/feed.atom", cached_page(feeds.ProposalChangesFeed()), name="proposal-feed"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("parties/<slug:slug>/", views.party, name="party"),
    path("parties/<slug:slug>/feed.atom", cached_page(feeds.PartyChangesFeed()), name="party-feed"),
    path("actors/<slug:slug>/", views.actor, name="actor"),
    path("search/", views.search, name="search"),
    path("search.csv", views.search_csv, name="search-csv"),
    path("codebook/", cached_page(record.codebook), name="codebook"),
    path("codebook.md", cached_page(record.codebook_md), name="codebook-md"),
    path("codebook.csv", cached_page(record.codebook_csv_download), name="codebook-csv"),
    # Read from the releases folder, not the database: not cached per data version.
    path("releases/", record.releases, name="releases"),
    path("releases/<str:version>/<str:name>", record.release_file, name="release-file"),
]
