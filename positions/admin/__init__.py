"""The curators' desk: the review queue, people and proposals (with merging), ingest monitoring and webhooks."""

from positions.admin import deadlines, ingest, people, review, scales, webhooks  # noqa: F401  (each module registers its admins)
